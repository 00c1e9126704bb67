package chat.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real terminal screen to look at: tmux, on a server of its own (its own socket, so it
 * never touches anyone else's sessions), one 100x30 window running the command. The test
 * types with send-keys and reads the screen and the cursor with capture-pane.
 */
final class CliTmux implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String socket = "chat-e2e-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private String socketPath;

    static boolean available() {
        try {
            Process p = new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts {@code command} (a shell command line) in a detached 100x30 window. */
    void start(String command) {
        tmux("new-session", "-d", "-s", "chat", "-x", "100", "-y", "30", command);
        socketPath = tmux("display-message", "-p", "-t", "chat", "#{socket_path}").strip();
    }

    /** Types {@code text} literally (no key names). */
    void type(String text) {
        tmux("send-keys", "-t", "chat", "-l", text);
    }

    /** Presses keys by name: Enter, Tab, Up, C-d... */
    void press(String... keys) {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", "chat"));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    /**
     * Pastes {@code text} as a terminal does: marked as a paste (bracketed) when
     * {@code bracketed} and the program asked for that, else as if typed very fast.
     */
    void paste(String text, boolean bracketed) {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("chat-e2e-paste", ".txt");
            try {
                java.nio.file.Files.writeString(file, text);
                tmux("load-buffer", "-b", "paste", file.toString());
                if (bracketed) {
                    tmux("paste-buffer", "-p", "-b", "paste", "-t", "chat");
                } else {
                    tmux("paste-buffer", "-b", "paste", "-t", "chat");
                }
            } finally {
                java.nio.file.Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Gives the window a new size, as a person dragging its corner does (the program gets SIGWINCH). */
    void resize(int columns, int rows) {
        tmux("resize-window", "-t", "chat", "-x", String.valueOf(columns), "-y", String.valueOf(rows));
    }

    /** The visible screen, one string per row. */
    List<String> screen() {
        return List.of(tmux("capture-pane", "-p", "-t", "chat").split("\n", -1));
    }

    /** Column and row of the cursor, from 0. */
    int[] cursor() {
        String[] xy = tmux("display-message", "-p", "-t", "chat", "#{cursor_x},#{cursor_y}").strip().split(",");
        return new int[] {Integer.parseInt(xy[0]), Integer.parseInt(xy[1])};
    }

    /** Waits until some row of the screen contains {@code fragment}. */
    void await(String fragment) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (screen().stream().noneMatch(row -> row.contains(fragment))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for '" + fragment + "'; the screen shows:\n"
                        + String.join("\n", screen()));
            }
            Thread.sleep(50);
        }
    }

    private String tmux(String... args) {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("tmux " + args[0] + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        try {
            new ProcessBuilder("tmux", "-L", socket, "kill-server").redirectErrorStream(true).start()
                    .waitFor(30, TimeUnit.SECONDS);
            if (socketPath != null && !socketPath.isEmpty()) {
                java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(socketPath)); // tmux leaves it behind
            }
        } catch (IOException e) {
            // no server was started
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
