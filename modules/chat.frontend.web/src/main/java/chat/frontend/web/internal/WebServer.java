package chat.frontend.web.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP server of the page, on 127.0.0.1 only (never a wildcard address), one virtual
 * thread per exchange. Every request passes the {@link RequestGuard} first; the static page
 * is public, {@code /api/} needs the token, {@code /api/events} is the live feed.
 */
public final class WebServer implements AutoCloseable {

    /** A comment line on the event stream this often, so that a dead page is noticed. */
    static final long KEEPALIVE_MILLIS = 15_000;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final EventFeed feed;
    private final ApiHandler api;
    private RequestGuard guard;

    private WebServer(HttpServer server, EventFeed feed, ApiHandler api) {
        this.server = server;
        this.feed = feed;
        this.api = api;
    }

    /** Listens on 127.0.0.1:{@code port} (0: any free port) and serves until {@link #close}. */
    public static WebServer start(int port, AccessToken token, ChatSession session, EventFeed feed, Runnable quit)
            throws IOException {
        InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        HttpServer http = HttpServer.create(new InetSocketAddress(loopback, port), 0);
        WebServer web = new WebServer(http, feed, new ApiHandler(session, quit));
        web.guard = new RequestGuard(web.port(), token);
        http.setExecutor(web.executor);
        http.createContext("/", web::serve);
        http.start();
        return web;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            SecurityHeaders.add(ex.getResponseHeaders());
            String path = ex.getRequestURI().getPath();
            boolean isApi = path.startsWith("/api/");
            Optional<String> refused = guard.refusal(ex.getRequestHeaders(), isApi);
            if (refused.isPresent()) {
                Responses.problem(ex, 403, "forbidden", refused.get());
                return;
            }
            if (!isApi) {
                page(ex, path);
            } else if (path.equals("/api/events")) {
                events(ex);
            } else {
                api.handle(ex, path);
            }
        } catch (Json.BadRequest e) {
            Responses.problem(ex, e.status, "badRequest", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            Responses.problem(ex, 500, "failed", e.toString());
        }
    }

    private static void page(HttpExchange ex, String path) throws IOException {
        String method = ex.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            Responses.problem(ex, 405, "badMethod", method + " is not allowed");
            return;
        }
        Optional<StaticPage.File> file = StaticPage.find(path);
        if (file.isEmpty()) {
            Responses.problem(ex, 404, "notFound", "no such page: " + path);
            return;
        }
        Responses.bytes(ex, 200, file.get().contentType(), file.get().bytes());
    }

    /** Server-Sent Events: {@code data: <json>} blocks until the page goes or the feed ends. */
    private void events(HttpExchange ex) throws IOException, InterruptedException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.sendResponseHeaders(200, 0);
        try (EventFeed.Subscription sub = feed.subscribe(); OutputStream out = ex.getResponseBody()) {
            out.write(": hello\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (true) {
                Optional<String> next = sub.next(KEEPALIVE_MILLIS);
                if (next == null) {
                    return;
                }
                String block = next.map(json -> "data: " + json + "\n\n").orElse(": keepalive\n\n");
                out.write(block.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
    }

    @Override
    public void close() {
        feed.close();
        server.stop(0);
        executor.shutdownNow();
    }
}
