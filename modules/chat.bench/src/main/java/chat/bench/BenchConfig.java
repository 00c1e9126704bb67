package chat.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One run of the generator, validated when built.
 *
 * @param serverImage     the runtime image (dist/chat) whose bin/chat runs the server
 * @param serverModulePath if set, the server runs on this JDK from this module path instead
 *                        of from the image (for Flight Recorder, which the image lacks)
 * @param clients         connections of a traffic run, one user each
 * @param channels        channels of a traffic run
 * @param members         members per channel (each receives every message of the channel)
 * @param rate            messages per second over all senders; 0 = as fast as the window allows
 * @param window          unacknowledged messages per client
 * @param duration        the measurement window (traffic) or how long idle connections are held
 * @param warmup          traffic before the measurement starts
 * @param messageBytes    characters of text per message
 * @param idle            idle connections to open instead of a traffic run (0 = traffic)
 * @param idleUsers       users the idle connections log in as (0 = one per connection)
 * @param presign         sign the messages of the run before it starts, enough for
 *                        {@code presignRate} (or {@code rate} if set) over warm-up and measurement
 * @param presignRate     the total rate pre-signing is sized for when {@code rate} is 0
 * @param connectParallelism handshakes in flight while connecting
 * @param serverJavaOpts  JVM options for the server (CHAT_JAVA_OPTS)
 * @param serverArgs      extra arguments for 'chat server'
 * @param keep            keep the temporary folder (bundle, journal, logs) after the run
 * @param servers         servers started, the clients spread over them in turn; more than one
 *                        must share a database ({@code --server-arg=--store=URL})
 */
record BenchConfig(Path serverImage, String serverModulePath, int clients, int channels, int members, double rate, int window,
                   Duration duration, Duration warmup, int messageBytes, int idle, int idleUsers,
                   boolean presign, double presignRate, int connectParallelism, String serverJavaOpts,
                   List<String> serverArgs, boolean keep, int flooders, int servers) {

    BenchConfig {
        Objects.requireNonNull(serverImage, "serverImage");
        if (serverModulePath == null && !Files.isExecutable(serverImage.resolve("bin/chat"))) {
            throw new IllegalArgumentException("--server-image: " + serverImage.resolve("bin/chat")
                    + " is missing; build the image (scripts/build)");
        }
        positive(clients, "--clients");
        if (flooders < 0) {
            throw new IllegalArgumentException("--flooders must not be negative, got " + flooders);
        }
        positive(servers, "--servers");
        if (servers > 1 && serverArgs.stream().noneMatch(a -> a.startsWith("--store"))) {
            throw new IllegalArgumentException("--servers " + servers + " needs a database they share:"
                    + " --server-arg=--store=postgresql://... (scripts/bench pg N starts one)");
        }
        positive(channels, "--channels");
        positive(members, "--members");
        positive(window, "--window");
        positive(connectParallelism, "--connect-parallelism");
        if (members > clients) {
            throw new IllegalArgumentException("--members " + members + " exceeds --clients " + clients);
        }
        if (presignRate <= 0) {
            throw new IllegalArgumentException("--presign-rate must be positive, got " + presignRate);
        }
        if (rate < 0) {
            throw new IllegalArgumentException("--rate must be 0 (as fast as possible) or positive, got " + rate);
        }
        if (messageBytes < 1 || messageBytes > 500_000) {
            throw new IllegalArgumentException("--message-bytes must be 1..500000, got " + messageBytes);
        }
        if (idle < 0 || idleUsers < 0) {
            throw new IllegalArgumentException("--idle and --idle-users must not be negative");
        }
        if (duration.isNegative() || duration.isZero() || warmup.isNegative()) {
            throw new IllegalArgumentException("--duration must be positive and --warmup not negative");
        }
        serverArgs = List.copyOf(serverArgs);
    }

    private static void positive(int value, String option) {
        if (value <= 0) {
            throw new IllegalArgumentException(option + " must be positive, got " + value);
        }
    }

    /** Messages each of {@code senders} signs ahead: the run's length (plus 10 s of slack) at the rate. */
    int presignPerSender(int senders) {
        if (!presign || senders == 0) {
            return 0;
        }
        double seconds = warmup.toMillis() / 1000.0 + duration.toMillis() / 1000.0 + 10;
        return (int) Math.ceil((rate > 0 ? rate : presignRate) * seconds / senders);
    }

    boolean idleMode() {
        return idle > 0;
    }
}
