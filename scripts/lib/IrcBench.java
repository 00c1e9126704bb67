import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The load generator's workload against a plain IRC relay (scripts/bench irc, which starts
 * ngIRCd): N clients in channels of M members, each keeping W messages in flight (or all
 * together sending R messages per second), messages of S characters. IRC has no
 * acknowledgement of a PRIVMSG, so each is followed by a PING, and the server's PONG (sent
 * in order, after the PRIVMSG was relayed) stands for the chat server's echo. A delivery is
 * a PRIVMSG received by another member; its latency is from the sender's write to that
 * receipt (one process, one clock). Prints accepted msg/s, deliveries/s, latency p50/p99/max,
 * and the relay's CPU per delivery from /proc/PID/stat when --pid is given.
 *
 * <pre>java scripts/lib/IrcBench.java --port P [--pid PID] [--clients 100] [--channels 10]
 *     [--members 10] [--window 8] [--rate 0] [--size 100] [--warmup 5] [--duration 20]</pre>
 */
public final class IrcBench {

    private static int port;
    private static long pid = -1;
    private static int clients = 100;
    private static int channels = 10;
    private static int members = 10;
    private static int window = 8;
    private static int rate;
    private static int size = 100;
    private static int warmup = 5;
    private static int duration = 20;

    private static volatile boolean measuring;
    private static volatile boolean stopping;
    private static final AtomicLong accepted = new AtomicLong();
    private static final AtomicLong delivered = new AtomicLong();
    /** Latency histogram in 0.1 ms buckets up to 60 s. */
    private static final AtomicLongArray latency = new AtomicLongArray(600_000);

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < args.length; i += 2) {
            int v = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--port" -> port = v;
                case "--pid" -> pid = v;
                case "--clients" -> clients = v;
                case "--channels" -> channels = v;
                case "--members" -> members = v;
                case "--window" -> window = v;
                case "--rate" -> rate = v;
                case "--size" -> size = v;
                case "--warmup" -> warmup = v;
                case "--duration" -> duration = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (port == 0 || clients % members != 0) {
            throw new IllegalArgumentException("give --port, and --clients a multiple of --members");
        }
        CountDownLatch joined = new CountDownLatch(clients);
        List<Client> all = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Client c = new Client(i, joined);
            all.add(c);
            Thread.ofPlatform().daemon().name("irc-read-" + i).start(c::readLoop);
        }
        if (!joined.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not every client joined within 60 s");
        }
        for (Client c : all) {
            Thread.ofPlatform().daemon().name("irc-send-" + i(c)).start(c::sendLoop);
        }
        Thread.sleep(Duration.ofSeconds(warmup));
        long cpu0 = cpu();
        accepted.set(0);
        delivered.set(0);
        for (int b = 0; b < latency.length(); b++) {
            latency.set(b, 0);
        }
        long t0 = System.nanoTime();
        measuring = true;
        Thread.sleep(Duration.ofSeconds(duration));
        measuring = false;
        double secs = (System.nanoTime() - t0) / 1e9;
        long cpu1 = cpu();
        stopping = true;
        long acc = accepted.get();
        long del = delivered.get();
        System.out.printf("irc: %d clients, %d channels x %d members, %s, %d-char messages, %d s measured%n",
                clients, channels, members, rate > 0 ? rate + " msg/s" : "window " + window, size, duration);
        System.out.printf("accepted %,.0f msg/s, deliveries %,.0f/s, latency p50 %s p99 %s max %s ms%n",
                acc / secs, del / secs, percentile(0.50), percentile(0.99), percentile(1.0));
        if (cpu0 >= 0 && cpu1 >= 0 && del > 0) {
            double cpuSecs = (cpu1 - cpu0) / 100.0; // clock ticks (USER_HZ 100)
            System.out.printf("relay CPU %.2f s of %.1f s (%.2f cores), %.2f us per delivery, %.2f us per message%n",
                    cpuSecs, secs, cpuSecs / secs, cpuSecs * 1e6 / del, cpuSecs * 1e6 / acc);
        }
        System.exit(0);
    }

    private static int i(Client c) {
        return c.index;
    }

    private static String percentile(double q) {
        long total = 0;
        for (int b = 0; b < latency.length(); b++) {
            total += latency.get(b);
        }
        if (total == 0) {
            return "-";
        }
        long want = Math.max(1, (long) Math.ceil(total * q));
        long seen = 0;
        for (int b = 0; b < latency.length(); b++) {
            seen += latency.get(b);
            if (seen >= want) {
                return String.format("%.1f", b / 10.0);
            }
        }
        return ">60000";
    }

    /** utime + stime of the relay, in clock ticks; -1 without --pid. */
    private static long cpu() throws IOException {
        if (pid < 0) {
            return -1;
        }
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static final class Client {
        final int index;
        final String nick;
        final String channel;
        final Socket socket;
        final OutputStream out;
        final BufferedReader in;
        final Semaphore inFlight = new Semaphore(window);
        final CountDownLatch joined;

        Client(int index, CountDownLatch joined) throws IOException {
            this.index = index;
            this.nick = "c" + index;
            this.channel = "#ch" + ((index / members) % channels);
            this.joined = joined;
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            out = socket.getOutputStream();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8), 1 << 16);
            write("NICK " + nick + "\r\nUSER " + nick + " 0 * :bench\r\n");
        }

        synchronized void write(String s) {
            try {
                out.write(s.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                if (!stopping) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }

        void readLoop() {
            try {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("PING ")) {
                        write("PONG " + line.substring(5) + "\r\n");
                        continue;
                    }
                    int space = line.indexOf(' ');
                    int second = line.indexOf(' ', space + 1);
                    String command = second < 0 ? line.substring(space + 1) : line.substring(space + 1, second);
                    switch (command) {
                        case "PRIVMSG" -> received(line);
                        case "PONG" -> {
                            if (measuring) {
                                accepted.incrementAndGet();
                            }
                            inFlight.release();
                        }
                        case "001" -> write("JOIN " + channel + "\r\n");
                        case "366" -> joined.countDown(); // end of NAMES: in the channel
                        default -> { }
                    }
                }
            } catch (IOException e) {
                if (!stopping) {
                    System.err.println(nick + ": " + e);
                }
            }
        }

        private void received(String line) {
            int colon = line.indexOf(" :");
            int end = line.indexOf(' ', colon + 2);
            long sent = Long.parseLong(line.substring(colon + 2, end));
            long micros = (System.nanoTime() - sent) / 1000;
            if (measuring) {
                delivered.incrementAndGet();
                latency.incrementAndGet((int) Math.min(latency.length() - 1, micros / 100));
            }
        }

        void sendLoop() {
            char[] pad = new char[Math.max(0, size - 20)];
            Arrays.fill(pad, 'x');
            String padding = new String(pad);
            long gapNanos = rate > 0 ? (long) (1e9 * clients / rate) : 0;
            long next = System.nanoTime() + (gapNanos > 0 ? (long) (Math.random() * gapNanos) : 0);
            try {
                while (!stopping) {
                    if (gapNanos > 0) {
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(Duration.ofNanos(wait));
                        }
                        next += gapNanos;
                    }
                    inFlight.acquire();
                    write("PRIVMSG " + channel + " :" + System.nanoTime() + " " + padding + "\r\nPING :" + nick + "\r\n");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
