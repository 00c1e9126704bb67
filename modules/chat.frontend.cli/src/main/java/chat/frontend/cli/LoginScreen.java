package chat.frontend.cli;

import chat.client.ChatClient;
import chat.client.ClientEvent;
import chat.client.LoginException;
import chat.client.spi.ExitStatus;
import chat.client.spi.FrontendContext;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The way in: a banner, the password (asked hidden, three tries; or the one supplied for
 * scripts, used once without asking), and one clear sentence for each way a login fails,
 * with the exit code {@code chat --help} documents.
 */
final class LoginScreen {

    static final int TRIES = 3;

    /** Logged in, or the exit code to leave with (the reason has been shown). */
    sealed interface Outcome {
        record LoggedIn(ChatClient client) implements Outcome {
        }

        record Failed(int exitCode) implements Outcome {
        }
    }

    private final Screen screen;
    private final FrontendContext context;
    private final LineFormat format;

    LoginScreen(Screen screen, FrontendContext context, LineFormat format) {
        this.screen = screen;
        this.context = context;
        this.format = format;
    }

    Outcome run(Consumer<ClientEvent> listener) {
        String user = context.user();
        if (screen.interactive()) {
            screen.show(format.header("chat - end-to-end encrypted group chat"));
            screen.show(format.hint("user " + user + " | server " + address() + " | /help once in"));
        }
        Optional<char[]> supplied = context.suppliedPassword();
        if (supplied.isPresent()) {
            return attempt(supplied.get(), listener, 0);
        }
        if (!screen.interactive()) {
            screen.showError(format.error("There is no terminal to ask for the password: set CHAT_PASSWORD or use"
                    + " --password-file FILE."));
            return new Outcome.Failed(ExitStatus.USAGE);
        }
        int left = TRIES;
        while (left > 0) {
            char[] password = screen.readSecret("Password for " + user + ": ");
            if (password == null) {
                screen.show(format.info("Login cancelled."));
                return new Outcome.Failed(ExitStatus.INTERRUPTED);
            }
            if (password.length == 0) {
                continue;
            }
            left--;
            Outcome outcome = attempt(password, listener, left);
            if (outcome != null) {
                return outcome;
            }
        }
        return new Outcome.Failed(ExitStatus.AUTH);
    }

    /** One login; null when the password was wrong and another try is left. */
    private Outcome attempt(char[] password, Consumer<ClientEvent> listener, int triesLeft) {
        if (screen.interactive()) {
            screen.show(format.hint("Unlocking your key and connecting to " + address() + "..."));
        }
        try {
            ChatClient client = context.login(password, listener);
            return new Outcome.LoggedIn(client);
        } catch (LoginException e) {
            if (e.reason() == LoginException.Reason.WRONG_PASSWORD && triesLeft > 0) {
                screen.showError(format.error("Wrong password for " + context.user() + " (" + triesLeft + " "
                        + ChatView.plural(triesLeft, "try", "tries") + " left)."));
                return null;
            }
            screen.showError(format.error(explain(e)));
            return new Outcome.Failed(ExitStatus.of(e));
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    String explain(LoginException e) {
        return switch (e.reason()) {
            case WRONG_PASSWORD -> "Wrong password for " + context.user() + ". Not logged in.";
            case SERVER_KEY_MISMATCH -> "The server at " + address() + " did not prove the key in your directory"
                    + " (directory.json): it is not your server, or someone is in between. Not connecting.";
            case UNREACHABLE -> context.servers().size() > 1
                    ? "Cannot reach any of the servers " + address() + " (the last one tried: " + why(e)
                            + "). Are they running?"
                    : "Cannot reach the server at " + address() + ": " + why(e) + ". Is it running?";
            case REFUSED -> "Login at " + address() + " failed: " + e.getMessage() + ".";
            case LOCAL_STATE -> "Cannot use your files in " + context.bundleDir() + ": " + e.getMessage() + ".";
            case REVOKED -> "The server at " + address() + " refused " + context.user() + ": " + e.getMessage()
                    + ". Not logged in.";
        };
    }

    private static String why(LoginException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            switch (t) {
                case ConnectException c -> {
                    return c.getMessage() == null ? "connection refused" : lowerFirst(c.getMessage());
                }
                case SocketTimeoutException s -> {
                    return "no answer in time";
                }
                case UnknownHostException u -> {
                    return "unknown host";
                }
                default -> {
                }
            }
        }
        String message = e.getMessage();
        int colon = message.indexOf(": ");
        return colon >= 0 ? message.substring(colon + 2) : message;
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private String address() {
        return String.join(",", context.servers().stream().map(chat.client.ClientOptions::text).toList());
    }
}
