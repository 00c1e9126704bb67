package chat.frontend.web.internal;

import chat.client.ChatClient;
import chat.client.CommandException;
import chat.client.LoginException;
import chat.frontend.web.internal.api.Requests;
import chat.frontend.web.internal.api.Views;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The page's API under {@code /api/}: JSON in, JSON out, one method per request kind.
 * Commands answer once the server acknowledged them (their entry's seq), or with
 * {@code queued} after {@link #ACK_WAIT_SECONDS} (offline: the client sends them later), or
 * with the error the client or the server gave.
 */
final class ApiHandler {

    static final long ACK_WAIT_SECONDS = 10;

    private final ChatSession session;
    private final Runnable quit;

    ApiHandler(ChatSession session, Runnable quit) {
        this.session = session;
        this.quit = quit;
    }

    /** Answers {@code ex}, a request for {@code path} under /api/ other than the event stream. */
    void handle(HttpExchange ex, String path) throws IOException, Json.BadRequest, InterruptedException {
        String method = ex.getRequestMethod();
        boolean post = method.equals("POST");
        if (!post && !method.equals("GET")) {
            Responses.problem(ex, 405, "badMethod", method + " is not allowed");
            return;
        }
        if (post && !String.valueOf(ex.getRequestHeaders().getFirst("Content-Type")).startsWith("application/json")) {
            Responses.problem(ex, 415, "badRequest", "a POST carries application/json");
            return;
        }
        switch (method + " " + path) {
            case "GET /api/session" -> Responses.json(ex, 200, session());
            case "POST /api/login" -> login(ex);
            case "POST /api/quit" -> {
                Responses.json(ex, 200, new Views.Done(null, false));
                quit.run();
            }
            default -> {
                ChatClient client = session.client().orElse(null);
                if (client == null) {
                    Responses.problem(ex, 401, "notLoggedIn", "log in first");
                    return;
                }
                loggedIn(ex, method + " " + path, client);
            }
        }
    }

    private Views.Session session() {
        ChatClient c = session.client().orElse(null);
        return new Views.Session(session.user(), c != null, c != null && c.connected(), c == null ? 0 : c.pendingCount());
    }

    private void login(HttpExchange ex) throws IOException, Json.BadRequest {
        Requests.Login body = Json.read(ex.getRequestBody(), Requests.Login.class);
        if (body.password() == null || body.password().length == 0) {
            Responses.problem(ex, 400, "badRequest", "type the password");
            return;
        }
        try {
            if (!session.login(body.password())) {
                Responses.problem(ex, 409, "loggedIn", "already logged in");
                return;
            }
        } catch (LoginException e) {
            Responses.problem(ex, 401, "loginFailed", e.getMessage());
            return;
        }
        Responses.json(ex, 200, session());
    }

    private void loggedIn(HttpExchange ex, String request, ChatClient c)
            throws IOException, Json.BadRequest, InterruptedException {
        switch (request) {
            case "GET /api/channels" -> Responses.json(ex, 200, c.channels().stream().map(Views.Channel::of).toList());
            case "GET /api/alarms" -> Responses.json(ex, 200, c.alarms().stream().map(Views.AlarmView::of).toList());
            case "GET /api/history" -> {
                Map<String, String> q = query(ex);
                String channel = q.getOrDefault("channel", "");
                int limit = parseLimit(q.getOrDefault("limit", "200"));
                try {
                    Responses.json(ex, 200, Views.history(channel, c.history(channel, limit)));
                } catch (CommandException e) {
                    Responses.problem(ex, 404, e.code(), e.getMessage());
                }
            }
            case "POST /api/read" -> {
                c.markRead(read(ex, Requests.ChannelOnly.class).channel());
                Responses.json(ex, 200, new Views.Done(null, false));
            }
            case "POST /api/create" -> answer(ex, c.createChannel(read(ex, Requests.ChannelOnly.class).channel(), null));
            case "POST /api/leave" -> answer(ex, c.leave(read(ex, Requests.ChannelOnly.class).channel(), null));
            case "POST /api/invite" -> {
                Requests.ChannelAndUser r = read(ex, Requests.ChannelAndUser.class);
                answer(ex, c.invite(r.channel(), r.user(), null));
            }
            case "POST /api/remove" -> {
                Requests.ChannelAndUser r = read(ex, Requests.ChannelAndUser.class);
                answer(ex, c.remove(r.channel(), r.user(), null));
            }
            case "POST /api/send" -> {
                Requests.Send r = read(ex, Requests.Send.class);
                answer(ex, c.send(r.channel(), r.text(), null));
            }
            default -> Responses.problem(ex, 404, "notFound", "no such request: " + request);
        }
    }

    private static <T> T read(HttpExchange ex, Class<T> type) throws IOException, Json.BadRequest {
        return Json.read(ex.getRequestBody(), type);
    }

    private static void answer(HttpExchange ex, CompletableFuture<Long> command) throws IOException, InterruptedException {
        try {
            Long seq = command.get(ACK_WAIT_SECONDS, TimeUnit.SECONDS);
            Responses.json(ex, 200, new Views.Done(seq, false));
        } catch (TimeoutException e) {
            Responses.json(ex, 202, new Views.Done(null, true));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CommandException ce) {
                Responses.problem(ex, 409, ce.code(), ce.getMessage());
            } else {
                Responses.problem(ex, 500, "failed", String.valueOf(e.getCause()));
            }
        }
    }

    private static int parseLimit(String s) throws Json.BadRequest {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new Json.BadRequest(400, "limit must be a number, got '" + s + "'");
        }
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> q = new HashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return q;
    }
}
