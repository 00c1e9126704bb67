package chat.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Users made with {@code chat generate}, a {@code chat server} on 127.0.0.1 that can be
 * stopped (SIGTERM) and started again on the same port and data, and json clients; all
 * from the built image, all stopped by {@link #close}.
 */
final class ClientFixture implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    final ChatImage chat;
    final Path keys;
    final Map<String, String> passwords = new LinkedHashMap<>();
    private final List<ClientProcess> clients = new ArrayList<>();
    private Process server;
    private ChatImage.Pump serverErr;
    private int port;

    ClientFixture(ChatImage chat, Path dir, String... users) {
        this.chat = chat;
        this.keys = dir.resolve("keys");
        StringBuilder file = new StringBuilder();
        for (String user : users) {
            passwords.put(user, "pw of " + user);
            file.append(user).append(':').append(passwords.get(user)).append('\n');
        }
        ChatImage.Result r = chat.run(List.of("generate", "--dir", keys.toString(), "--users-file", "-"), file.toString(),
                Map.of());
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    Path bundle(String user) {
        return keys.resolve("users").resolve(user);
    }

    Path serverDir() {
        return keys.resolve("server");
    }

    int port() {
        return port;
    }

    /**
     * Starts the server: on a port the system chooses the first time, on the same port after;
     * {@code options} are added to its command line.
     */
    ClientFixture startServer(String... options) {
        if (server != null && server.isAlive()) {
            throw new IllegalStateException("the server is running");
        }
        String listen = "127.0.0.1:" + port;
        List<String> command = new java.util.ArrayList<>(List.of("server", "--dir", serverDir().toString(), "--listen",
                listen));
        command.addAll(List.of(options));
        ProcessBuilder pb = chat.command(command);
        try {
            server = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        serverErr = new ChatImage.Pump(server.getErrorStream());
        serverErr.start();
        BlockingQueue<String> lines = new ArrayBlockingQueue<>(64);
        Process started = server;
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(started.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.offer(line);
                }
            } catch (IOException ignored) {
                // server ended
            }
        });
        try {
            String line = lines.poll(30, TimeUnit.SECONDS);
            Matcher m = line == null ? null : LISTENING.matcher(line);
            if (m == null || !m.find()) {
                throw new AssertionError("the server did not start listening: " + line + "\n" + serverErr.text());
            }
            port = Integer.parseInt(m.group(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return this;
    }

    /**
     * Starts the server on {@code port} (same keys, same data), e.g. on another of the
     * addresses a client was given, as if another relay of the deployment took over.
     */
    ClientFixture startServerOn(int port, String... options) {
        this.port = port;
        return startServer(options);
    }

    /** Stops the server the way an administrator does (SIGTERM) and checks it exited cleanly. */
    void stopServer() {
        server.destroy();
        try {
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
                throw new AssertionError("the server did not stop within 30 s of SIGTERM\n" + serverErr.text());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertThat(server.exitValue()).as("server exit code\n" + serverErr.text()).isZero();
    }

    /** Kills the server at once (SIGKILL), as a crash or a pulled plug would. */
    void killServer() {
        server.destroyForcibly();
        try {
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the server did not die of SIGKILL within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    String serverLog() {
        return serverErr == null ? "" : serverErr.text();
    }

    /** A json client of {@code user}, logged in (it has printed ready). */
    ClientProcess client(String user) {
        return start(user, bundle(user)).ready();
    }

    /** A json client of {@code user}, ready, with {@code environment} added to its process's. */
    ClientProcess client(String user, Map<String, String> environment) {
        ClientProcess c = ClientProcess.start(chat, user + "#" + (clients.size() + 1), bundle(user), "127.0.0.1:" + port,
                passwords.get(user), environment);
        clients.add(c);
        return c.ready();
    }

    /** A json client of {@code user}, just started. */
    ClientProcess start(String user, Path bundle) {
        ClientProcess c = ClientProcess.start(chat, user + "#" + (clients.size() + 1), bundle, port, passwords.get(user));
        clients.add(c);
        return c;
    }

    /** A json client of {@code user}, just started, with {@code --server servers} (e.g. several addresses). */
    ClientProcess start(String user, String servers) {
        ClientProcess c = ClientProcess.start(chat, user + "#" + (clients.size() + 1), bundle(user), servers,
                passwords.get(user));
        clients.add(c);
        return c;
    }

    /** Every regular file below {@code dir} whose bytes contain {@code text} (UTF-8). */
    static List<Path> filesContaining(Path dir, String text) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        List<Path> hits = new ArrayList<>();
        if (!Files.exists(dir)) {
            return hits;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes;
                try {
                    bytes = Files.readAllBytes(f);
                } catch (java.nio.file.NoSuchFileException gone) {
                    continue; // a running client's temporary file (.directory.json.new-*), renamed meanwhile
                }
                if (indexOf(bytes, needle) >= 0) {
                    hits.add(f);
                }
            }
        }
        return hits;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        for (ClientProcess c : clients) {
            c.close();
        }
        if (server != null && server.isAlive()) {
            server.destroyForcibly();
            try {
                server.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static Duration reconnectTimeout() {
        // the client's back-off grows to 30 s between attempts; two attempts' worth
        return Duration.ofSeconds(75);
    }
}
