package chat.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The load generator's command line. It starts the server image itself, as a subprocess,
 * so that the server's CPU and memory are measured apart from the generator's; the two
 * still share the machine's cores, which the report shows.
 */
@Command(name = "chat-bench",
        mixinStandardHelpOptions = true,
        version = "chat load generator 0.1.0",
        sortOptions = false,
        usageHelpWidth = 100,
        description = {
            "Drive a chat server image with many protocol clients over 127.0.0.1 and report",
            "accepted messages/s, deliveries/s, delivery latency, and the server's CPU and memory.",
            "",
            "Traffic (default): --clients users connect; --channels channels of --members members",
            "are created with signed addUser entries; then every member sends signed, encrypted",
            "comms to its channels, as fast as its --window of unacknowledged messages allows, or",
            "at a total --rate. Every accepted message is echoed to every member, the sender too.",
            "",
            "Idle (--idle N): N connections log in, sync and stay idle for --duration; the server",
            "runs with -Xmx1g unless --server-java-opts says otherwise; reports heap and RSS.",
            ""
        })
public final class LoadGenerator implements Callable<Integer> {

    @Option(names = "--server-image", paramLabel = "DIR", defaultValue = "dist/chat",
            description = "The runtime image whose bin/chat runs the server (default: ${DEFAULT-VALUE}).")
    Path serverImage;

    @Option(names = "--server-module-path", paramLabel = "PATH",
            description = "Run the server on this generator's JDK from PATH (e.g. launcher/target/modules:"
                    + "launcher/target/chat.launcher-0.1.0.jar) instead of the image: needed for --jfr.")
    String serverModulePath;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "200",
            description = "Clients, one user each (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--channels", paramLabel = "N", defaultValue = "20", description = "Channels (default: ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--members", paramLabel = "N", defaultValue = "10",
            description = "Members per channel (default: ${DEFAULT-VALUE}).")
    int members;

    @Option(names = "--rate", paramLabel = "MSGS_PER_S", defaultValue = "0",
            description = "Total messages per second over all senders; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--window", paramLabel = "N", defaultValue = "8",
            description = "Unacknowledged messages per client (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--duration", paramLabel = "TIME", defaultValue = "30s", converter = DurationConverter.class,
            description = "Measurement window, or how long idle connections are held: 30s, 2m, 500ms"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "5s", converter = DurationConverter.class,
            description = "Load before the measurement starts (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--message-bytes", paramLabel = "N", defaultValue = "100",
            description = "Characters of text per message (default: ${DEFAULT-VALUE}).")
    int messageBytes;

    @Option(names = "--idle", paramLabel = "N", defaultValue = "0",
            description = "Idle mode: open N authenticated connections and hold them (default: traffic mode).")
    int idle;

    @Option(names = "--idle-users", paramLabel = "N", defaultValue = "0",
            description = "Users the idle connections log in as, round-robin (default: one user per connection).")
    int idleUsers;

    @Option(names = "--presign", arity = "0..1", paramLabel = "true|false",
            description = "Sign the run's messages before it starts, so that signing (the clients' work) does not"
                    + " take the shared cores from the server while it is measured (--presign=false undoes a preset's).")
    boolean presign;

    @Option(names = "--presign-rate", paramLabel = "MSGS_PER_S", defaultValue = "16000",
            description = "With --presign and no --rate: the total rate to sign enough messages for"
                    + " (default: ${DEFAULT-VALUE}).")
    double presignRate;

    @Option(names = "--connect-parallelism", paramLabel = "N", defaultValue = "16",
            description = "Handshakes in flight while connecting (default: ${DEFAULT-VALUE}).")
    int connectParallelism;

    @Option(names = "--server-java-opts", paramLabel = "OPTS",
            description = "JVM options for the server (CHAT_JAVA_OPTS); default: none, or -Xmx1g with --idle.")
    String serverJavaOpts;

    @Option(names = "--jfr", paramLabel = "FILE",
            description = "Record the server with Java Flight Recorder into FILE (adds -XX:StartFlightRecording).")
    Path jfr;

    @Option(names = "--server-arg", paramLabel = "ARG",
            description = "An extra argument for 'chat server' (repeatable), e.g. --server-arg=--queue-length=16384.")
    List<String> serverArgs = new ArrayList<>();

    @Option(names = "--flooders", paramLabel = "N", defaultValue = "0",
            description = "N more users, each alone in a channel of its own, sending as fast as the server lets them"
                    + " (a window of 1024, no rate) for the whole run; their messages are counted apart and are not in the"
                    + " latency figures, which are then those of the other users while the flooders flood"
                    + " (default: ${DEFAULT-VALUE}).")
    int flooders;

    @Option(names = "--servers", paramLabel = "N", defaultValue = "1",
            description = "Servers to start, each with the same --server-arg options; client i connects to server"
                    + " i mod N. More than one must share a database (--server-arg=--store=URL). CPU is the sum of all"
                    + " servers (default: ${DEFAULT-VALUE}).")
    int servers;

    @Option(names = "--keep", description = "Keep the run's folder (server bundle, journal, server.log, gc.log).")
    boolean keep;

    @Option(names = "--crypto-costs",
            description = "Only measure the per-message crypto and codec costs on this machine, in this process.")
    boolean cryptoCosts;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new LoadGenerator());
        cli.setOverwrittenOptionsAllowed(true); // scripts/bench presets come first, the user's options override them
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("chat-bench: " + e.getMessage());
            if (!(e instanceof IllegalArgumentException || e instanceof IOException)) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (cryptoCosts) {
            CryptoCosts.print(messageBytes, out);
            return 0;
        }
        String opts = serverJavaOpts != null ? serverJavaOpts : idle > 0 ? "-Xmx1g" : "";
        if (jfr != null) {
            if (serverModulePath == null && !imageHas(serverImage, "jdk.jfr")) {
                throw new IllegalArgumentException("--jfr: the image " + serverImage + " has no jdk.jfr module; run the server"
                        + " from its module jars with --server-module-path (scripts/bench does this for you)");
            }
            opts = (opts + " -XX:StartFlightRecording=filename=" + jfr.toAbsolutePath() + ",settings=profile").trim();
        }
        BenchConfig config = new BenchConfig(serverImage.toAbsolutePath(), serverModulePath, clients, channels, members,
                rate, window, duration, warmup, messageBytes, idle, idleUsers, presign, presignRate, connectParallelism,
                opts, serverArgs, keep, flooders, servers);
        Path work = Files.createTempDirectory("chat-bench-");
        out.printf("machine:  %d cores, load average %.2f; generator pid %d; run folder %s%n",
                Runtime.getRuntime().availableProcessors(), ProcFs.loadAverage(), ProcessHandle.current().pid(), work);
        try {
            if (config.idleMode()) {
                new IdleRun(config, out).run(work).print(out);
            } else {
                new TrafficRun(config, out).run(work).print(out);
            }
            if (jfr != null) {
                out.println("JFR recording of the server: " + jfr.toAbsolutePath()
                        + "  (jfr view hot-methods " + jfr.toAbsolutePath() + ")");
            }
        } finally {
            if (keep) {
                out.println("run folder kept: " + work);
            } else {
                deleteTree(work);
            }
        }
        return 0;
    }

    /** Whether the image links {@code module}: its release file lists them all. */
    private static boolean imageHas(Path image, String module) throws IOException {
        Path release = image.resolve("release");
        return Files.exists(release) && Files.readAllLines(release).stream()
                .filter(l -> l.startsWith("MODULES="))
                .anyMatch(l -> List.of(l.substring(8).replace("\"", "").split(" ")).contains(module));
    }

    private static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** "30s", "2m", "500ms", "1h", or plain seconds. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(java.util.Locale.ROOT);
            try {
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                if (v.endsWith("s")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
                }
                if (v.endsWith("m")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60_000));
                }
                if (v.endsWith("h")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 3_600_000));
                }
                return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a time (try 30s, 2m, 500ms)");
            }
        }
    }
}
