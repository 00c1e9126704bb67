package chat.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The other person in a conversation with the terminal client: {@code chat client
 * --frontend json}, fed JSON commands, its events kept as lines to wait for.
 */
final class CliJsonUser implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final OutputStream in;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final ChatImage.Pump stderr;

    private CliJsonUser(Process process) {
        this.process = process;
        this.in = process.getOutputStream();
        this.stderr = new ChatImage.Pump(process.getErrorStream());
        this.stderr.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    events.add(line);
                }
            } catch (IOException ignored) {
                // ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    static CliJsonUser start(ChatImage chat, Path bundle, InetSocketAddress server, String password)
            throws InterruptedException {
        ProcessBuilder pb = chat.command(List.of("client", "--frontend", "json", "--dir", bundle.toString(),
                "--server", server.getHostString() + ":" + server.getPort()));
        pb.environment().put("CHAT_PASSWORD", password);
        try {
            CliJsonUser user = new CliJsonUser(pb.start());
            user.await("\"event\":\"ready\"");
            return user;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void command(String json) {
        try {
            in.write((json + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for an event line containing every one of {@code fragments}; returns it. */
    String await(String... fragments) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (String e : events) {
                if (List.of(fragments).stream().allMatch(e::contains)) {
                    return e;
                }
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no event with " + List.of(fragments) + "; got " + events + "\n" + stderr.text());
    }

    /** Every event line so far, in order. */
    List<String> events() {
        return List.copyOf(events);
    }

    @Override
    public void close() throws InterruptedException {
        try {
            in.close();
        } catch (IOException ignored) {
            // gone already
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
