package chat.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The built runtime image under test, run as a user runs it: {@code bin/chat ...} in a subprocess. */
public final class ChatImage {

    private final Path home;

    private ChatImage(Path home) {
        this.home = home;
    }

    public static ChatImage fromSystemProperty() {
        String image = System.getProperty("chat.image");
        if (image == null || !Files.isExecutable(Path.of(image, "bin", "chat"))) {
            throw new IllegalStateException("no built image at " + image + ": run scripts/build first");
        }
        return new ChatImage(Path.of(image));
    }

    public static ChatImage at(Path home) {
        return new ChatImage(home);
    }

    public Path home() {
        return home;
    }

    public Path launcher() {
        return home.resolve("bin/chat");
    }

    public record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    public ProcessBuilder command(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher().toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // no config file of the machine's user (~/.config/chat/config.toml) changes what a test runs;
        // a test of the config file sets its own XDG_CONFIG_HOME
        pb.environment().put("XDG_CONFIG_HOME", Path.of(System.getProperty("java.io.tmpdir"), "chat-e2e-no-config").toString());
        return pb;
    }

    public Result run(String... args) {
        return run(List.of(args), null, Map.of());
    }

    public Result run(List<String> args, String stdin, Map<String, String> env) {
        ProcessBuilder pb = command(args);
        pb.environment().putAll(env);
        return run(pb, stdin, Duration.ofSeconds(120));
    }

    public static Result run(ProcessBuilder pb, String stdin, Duration timeout) {
        try {
            Process p = pb.start();
            Pump out = new Pump(p.getInputStream());
            Pump err = new Pump(p.getErrorStream());
            out.start();
            err.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // the process may exit without reading its input
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out after " + timeout + ": " + pb.command());
            }
            out.join();
            err.join();
            return new Result(p.exitValue(), out.text(), err.text());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Drains a process stream on its own thread so the process never blocks on a full pipe. */
    static final class Pump extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        Pump(InputStream in) {
            this.in = in;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                in.transferTo(buffer);
            } catch (IOException ignored) {
                // process ended
            }
        }

        String text() {
            synchronized (buffer) {
                return buffer.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
