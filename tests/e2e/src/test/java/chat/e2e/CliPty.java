package chat.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A command run in a pseudo-terminal, as a person runs it: through {@code script(1)}
 * (util-linux, on every Debian), which gives the command a pty of its own, forwards what
 * the test types and copies what the command writes. The pty is 100x30, TERM is an xterm.
 */
final class CliPty implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** CSI and OSC sequences, charset selections and the two-byte escapes (save/restore cursor, keypad). */
    private static final Pattern ESCAPES = Pattern.compile(
            "\u001b\\[[0-9;?<=>]*[ -/]*[@-~]|\u001b\\][^\u0007\u001b]*(\u0007|\u001b\\\\)|\u001b[()][0-9A-Za-z]|\u001b[78=>]");

    private final Process process;
    private final ChatImage.Pump output;
    private final OutputStream keys;

    private CliPty(Process process) {
        this.process = process;
        this.output = new ChatImage.Pump(process.getInputStream());
        this.output.start();
        this.keys = process.getOutputStream();
    }

    static CliPty start(ChatImage chat, List<String> args, Map<String, String> env) {
        // env --default-signal=INT: a test started in the background ('&', nohup, some CI
        // runners) inherits SIGINT ignored, which the JVM then keeps ignoring, so the Ctrl-C
        // that the pty turns into SIGINT would do nothing (a shell cannot undo that: POSIX
        // keeps signals ignored on entry ignored). The command gets the default back.
        String command = "stty rows 30 cols 100; exec env --default-signal=INT " + quote(chat.launcher().toString()) + " "
                + args.stream().map(CliPty::quote).collect(Collectors.joining(" "));
        ProcessBuilder pb = new ProcessBuilder("script", "-qfec", command, "/dev/null");
        pb.environment().put("TERM", "xterm-256color");
        pb.environment().remove("CHAT_PASSWORD");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        try {
            return new CliPty(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String quote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    void type(String text) {
        try {
            keys.write(text.getBytes(StandardCharsets.UTF_8));
            keys.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the command wrote, without escape sequences and carriage returns. */
    String text() {
        return ESCAPES.matcher(output.text()).replaceAll("").replace("\r", "");
    }

    String raw() {
        return output.text();
    }

    /** Waits until the output shows {@code fragment} at or after {@code from}; where it starts. */
    int await(String fragment, int from) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            int at = text().indexOf(fragment, from);
            if (at >= 0) {
                return at;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for '" + fragment + "'; the terminal shows:\n" + text());
            }
            if (!process.isAlive() && text().indexOf(fragment, from) < 0) {
                Thread.sleep(200); // the last output may still be in the pipe
                if (text().indexOf(fragment, from) < 0) {
                    throw new AssertionError("exited (" + process.exitValue() + ") without showing '" + fragment
                            + "'; the terminal shows:\n" + text());
                }
            }
            Thread.sleep(20);
        }
    }

    int await(String fragment) throws InterruptedException {
        return await(fragment, 0);
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running; the terminal shows:\n" + text());
        }
        output.join(10_000);
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
