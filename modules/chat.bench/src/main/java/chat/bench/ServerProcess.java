package chat.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server under test, run from the image as a user would run it,
 * {@code IMAGE/bin/chat server --dir BUNDLE --listen 127.0.0.1:0 --data DATA}, in its own
 * process so that its CPU time and memory are its own. The JVM options go through
 * {@code CHAT_JAVA_OPTS}; a GC log is always added, so the heap can be read without
 * attaching to the process. Its standard error (the log) and output go to a file.
 *
 * <p>For profiling, the same modules can instead run on the generator's own JDK from a
 * module path ({@code launcher/target/modules} and the launcher jar): the image links only
 * the modules chat needs, and Flight Recorder ({@code jdk.jfr}) is not one of them.
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on (\\S+):(\\d+)");

    private final Process process;
    private final Path gcLog;
    private final Path log;
    private final InetSocketAddress address;

    private ServerProcess(Process process, Path gcLog, Path log, InetSocketAddress address) {
        this.process = process;
        this.gcLog = gcLog;
        this.log = log;
        this.address = address;
    }

    /**
     * Starts the server from {@code image}, or, if {@code modulePath} is not null, on this
     * JDK from that module path, and waits until it listens.
     */
    static ServerProcess start(Path image, String modulePath, Path bundle, Path work, String javaOpts,
                               List<String> extraArgs) throws IOException {
        Path data = work.resolve("data");
        Path gcLog = work.resolve("gc.log");
        Path log = work.resolve("server.log");
        String opts = (javaOpts == null ? "" : javaOpts.trim() + " ") + "-Xlog:gc:file=" + gcLog + ":uptime";
        List<String> command = new ArrayList<>();
        if (modulePath == null) {
            Path launcher = image.resolve("bin/chat");
            if (!Files.isExecutable(launcher)) {
                throw new IOException(launcher + " is missing: build the image first (scripts/build)");
            }
            command.add(launcher.toString());
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(List.of(opts.split("\\s+")));
            command.addAll(List.of("--module-path", modulePath, "-m", "chat.launcher/chat.launcher.Main"));
        }
        command.addAll(List.of("server", "--dir", bundle.toString(), "--listen", "127.0.0.1:0"));
        if (extraArgs.stream().noneMatch(a -> a.startsWith("--store"))) {
            command.addAll(List.of("--data", data.toString()));
        }
        command.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("CHAT_JAVA_OPTS", opts);
        pb.redirectErrorStream(true);
        Process process = pb.start();
        process.getOutputStream().close();
        CompletableFuture<InetSocketAddress> listening = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).name("server-output").start(() -> pump(process, log, listening));
        try {
            InetSocketAddress address = listening.get(120, TimeUnit.SECONDS);
            return new ServerProcess(process, gcLog, log, address);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("the server did not report 'listening on HOST:PORT' (" + e.getMessage()
                    + "); its output is in " + log + ":\n" + tail(log), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while the server started", e);
        }
    }

    /** Copies the server's output into its log file, watching for the listening line. */
    private static void pump(Process process, Path log, CompletableFuture<InetSocketAddress> listening) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                Matcher m = LISTENING.matcher(line);
                if (!listening.isDone() && m.find()) {
                    listening.complete(new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2))));
                }
            }
            listening.completeExceptionally(new IOException("the server exited with " + process.waitFor()));
        } catch (IOException e) {
            // the process has gone and its pipe with it; the log has what it wrote
            listening.completeExceptionally(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    InetSocketAddress address() {
        return address;
    }

    long pid() {
        return process.pid();
    }

    Path gcLog() {
        return gcLog;
    }

    Path log() {
        return log;
    }

    long cpuTicks() {
        return ProcFs.cpuTicks(process.pid());
    }

    long rssKiB() {
        return ProcFs.statusKiB(process.pid(), "VmRSS");
    }

    long peakRssKiB() {
        return ProcFs.statusKiB(process.pid(), "VmHWM");
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Asks the JVM for a full GC and its heap use with {@code jcmd} (of the JDK this
     * generator runs on, the same release as the image). Returns the used heap in KiB after
     * the collection, or -1 if there is no jcmd or it failed; the GC log has it too.
     */
    long liveHeapKiB() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return -1;
        }
        try {
            run(jcmd.toString(), Long.toString(pid()), "GC.run");
            String info = run(jcmd.toString(), Long.toString(pid()), "GC.heap_info");
            Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    /** SIGTERM (the server's clean shutdown), then waits; returns the exit code, or -1 if it had to be killed. */
    int stop() throws InterruptedException {
        process.destroy();
        if (process.waitFor(60, TimeUnit.SECONDS)) {
            return process.exitValue();
        }
        process.destroyForcibly().waitFor();
        return -1;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no output)";
        }
    }
}
