package chat.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/chat server} running in a subprocess on 127.0.0.1 with an OS-chosen port,
 * which it announces on standard output ("listening on HOST:PORT"). bin/chat execs the
 * JVM, so the process is the server itself: {@link #kill} is a SIGKILL of the server and
 * {@link #terminate} a SIGTERM.
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on (\\S+):(\\d+)");

    private final Process process;
    private final ChatImage.Pump stderr;
    private final InetSocketAddress address;

    private ServerProcess(Process process, ChatImage.Pump stderr, InetSocketAddress address) {
        this.process = process;
        this.stderr = stderr;
        this.address = address;
    }

    static ServerProcess start(ChatImage chat, Path serverDir, Path data, String... extra) {
        List<String> args = new ArrayList<>(List.of("server", "--dir", serverDir.toString(), "--data", data.toString(),
                "--listen", "127.0.0.1:0"));
        args.addAll(List.of(extra));
        return launch(chat, args);
    }

    /** A server keeping its history in the PostgreSQL database {@code url} ({@link PgCluster}). */
    static ServerProcess withStore(ChatImage chat, Path serverDir, String url, Path passwordFile, String... extra) {
        List<String> args = new ArrayList<>(List.of("server", "--dir", serverDir.toString(), "--store", url,
                "--store-password-file", passwordFile.toString(), "--listen", "127.0.0.1:0"));
        args.addAll(List.of(extra));
        return launch(chat, args);
    }

    private static ServerProcess launch(ChatImage chat, List<String> args) {
        try {
            Process p = chat.command(args).start();
            p.getOutputStream().close();
            ChatImage.Pump err = new ChatImage.Pump(p.getErrorStream());
            err.start();
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            List<String> out = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        out.add(line);
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // process ended
                }
                lines.add("");
            });
            reader.setDaemon(true);
            reader.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                String line = lines.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
                if (line == null || line.isEmpty() && !p.isAlive()) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError("the server did not say where it listens: " + out + "\n" + err.text());
                }
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    return new ServerProcess(p, err, new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2))));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    InetSocketAddress address() {
        return address;
    }

    String stderr() {
        return stderr.text();
    }

    /** SIGSTOP: the process stays, its sockets stay open, and it answers nothing (a frozen server). */
    void freeze() throws Exception {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze}. */
    void thaw() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** SIGKILL: no shutdown of any kind. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the server survived SIGKILL");
        }
    }

    /**
     * SIGTERM: the server shuts down cleanly. Through the ProcessHandle, because
     * Process#destroy also closes our ends of the pipes, and the server's last log lines
     * would be lost.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** Waits for the exit; fails if the process is still running after {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the server is still running after " + timeout + "\n" + stderr());
        }
        stderr.join(10_000);
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
