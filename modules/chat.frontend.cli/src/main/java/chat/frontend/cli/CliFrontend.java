package chat.frontend.cli;

import chat.client.ChatClient;
import chat.client.spi.ExitStatus;
import chat.client.spi.Frontend;
import chat.client.spi.FrontendContext;
import java.io.Console;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;

/**
 * The {@code cli} frontend, the default: an interactive chat in the terminal, or plain
 * lines in and out when there is no terminal (a pipe, a script) or with {@code -- --plain}.
 */
public final class CliFrontend implements Frontend {

    @Override
    public String name() {
        return "cli";
    }

    @Override
    public String description() {
        return "the interactive terminal client (default); plain lines in a pipe or with -- --plain";
    }

    @Override
    public int run(FrontendContext context) throws Exception {
        List<String> args = context.arguments();
        boolean plain = args.equals(List.of("--plain"));
        if (!args.isEmpty() && !plain) {
            System.err.println("chat: the cli frontend takes only --plain (after --), got " + args);
            return ExitStatus.USAGE;
        }
        StopHook stop = new StopHook();
        stop.install();
        try (Screen screen = open(plain)) {
            // A Ctrl-C that nothing else catches (a terminal screen while logging in) stops the
            // program as the JVM does by default: exit code 130, after the stop hook.
            screen.onInterrupt(() -> Runtime.getRuntime().exit(ExitStatus.INTERRUPTED));
            return run(context, screen, Clock.systemDefaultZone(), ChatSession.DRAIN_TIMEOUT, stop);
        } finally {
            stop.uninstall();
        }
    }

    /**
     * Logs in and chats on {@code screen}; the exit code. Times are shown in the clock's
     * zone; leaving waits up to {@code drain} for the server to confirm what was sent.
     * {@code stop} is told what to do if the program is stopped under the session.
     */
    static int run(FrontendContext context, Screen screen, Clock clock, Duration drain, StopHook stop)
            throws InterruptedException {
        LineFormat format = new LineFormat(context.user(), clock.getZone());
        ChatView view = new ChatView(screen, format, clock, context.user());
        stop.set(() -> {
            if (screen.interactive()) {
                screen.show(AttributedString.EMPTY); // after the terminal's "^C" or the password prompt
            }
            screen.show(format.info("Login cancelled."));
        });
        LoginScreen.Outcome outcome = new LoginScreen(screen, context, format).run(view::accept);
        return switch (outcome) {
            case LoginScreen.Outcome.Failed failed -> {
                stop.set(() -> { });
                yield failed.exitCode();
            }
            case LoginScreen.Outcome.LoggedIn in -> {
                try (ChatClient client = in.client()) {
                    ChatSession session = new ChatSession(screen, client, view, format, drain);
                    stop.set(session::abandon);
                    yield session.run();
                }
            }
        };
    }

    /**
     * A JLine terminal when standard input and output are a terminal (System.console() says
     * so) that can do more than print lines; plain lines otherwise: in a pipe, with
     * --plain, and on a dumb terminal, where the console still hides the password.
     */
    private static Screen open(boolean plain) throws IOException {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        Console console = System.console();
        if (console == null) {
            return new PlainScreen(System.in, out, System.err, null);
        }
        if (plain) {
            return new PlainScreen(System.in, out, System.err, console);
        }
        Terminal terminal = TerminalBuilder.builder().system(true).name("chat").build();
        if (TerminalScreen.isDumb(terminal)) {
            terminal.close();
            return new PlainScreen(System.in, out, System.err, console);
        }
        return new TerminalScreen(terminal);
    }
}
