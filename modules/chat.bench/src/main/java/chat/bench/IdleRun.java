package chat.bench;

import chat.protocol.MessageCodec;
import chat.protocol.Ping;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens N authenticated, synced connections and holds them, idle, while the server runs
 * with the heap limit under test: measures what a connection costs the server in heap and
 * in resident memory, and what holding them costs in CPU. The heap is read after a full
 * GC (jcmd GC.run, then GC.heap_info), before the connections and while they are held.
 */
final class IdleRun {

    private static final int BUFFER_BYTES = 1024;
    private static final long PING_EVERY_NANOS = 60_000_000_000L; // the real client's rhythm; the idle timeout is 300 s

    private final BenchConfig config;
    private final PrintStream out;

    IdleRun(BenchConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    IdleResult run(Path work) throws IOException, InterruptedException {
        int connections = config.idle();
        int users = config.idleUsers() > 0 ? Math.min(config.idleUsers(), connections) : connections;
        int perUser = (connections + users - 1) / users;
        long t0 = System.nanoTime();
        Population population = Population.create(users, work);
        out.printf("users:    %d generated in %.1f s%n", users, (System.nanoTime() - t0) / 1e9);
        List<String> args = new ArrayList<>(config.serverArgs());
        args.addAll(List.of("--max-connections", Integer.toString(Math.max(16_384, connections + 1024))));
        if (perUser > 32) {
            args.addAll(List.of("--max-connections-per-user", Integer.toString(perUser)));
        }
        MessageCodec codec = new MessageCodec();
        try (ServerProcess server = ServerProcess.start(config.serverImage(), config.serverModulePath(),
                population.serverBundle(), work, config.serverJavaOpts(), args)) {
            out.printf("server:   pid %d listening on %s:%d, CHAT_JAVA_OPTS=\"%s\"%n", server.pid(),
                    server.address().getHostString(), server.address().getPort(), config.serverJavaOpts());
            Thread.sleep(2000);
            long heapBefore = server.liveHeapKiB();
            long rssBefore = server.rssKiB();
            out.printf("baseline: live heap %s, RSS %s%n", Table.mib(heapBefore), Table.mib(rssBefore));

            BenchClient[] clients = new BenchClient[connections];
            AtomicInteger lost = new AtomicInteger();
            AtomicInteger opened = new AtomicInteger();
            BenchClient.Listener listener = new BenchClient.Listener() {
                @Override
                public void onFrame(BenchClient client, byte[] json) {
                    // pongs
                }

                @Override
                public void onLost(BenchClient client, Exception cause) {
                    if (lost.getAndIncrement() < 5) {
                        out.println("  lost " + client.user + ": " + cause);
                    }
                }
            };
            CpuSample connectStart = CpuSample.now(server.pid());
            Connector.run(connections, config.connectParallelism(), i -> {
                BenchClient c = BenchClient.connect(i, population.keys(i % users), population.server(), server.address(),
                        BUFFER_BYTES, codec);
                c.sync();
                c.startReading(listener);
                clients[i] = c;
                int n = opened.incrementAndGet();
                if (n % 1000 == 0) {
                    out.printf("  %,d connections%n", n);
                }
            });
            CpuSample connected = CpuSample.now(server.pid());
            double connectSeconds = (connected.nanos() - connectStart.nanos()) / 1e9;
            CpuSample.Cores connectCores = connected.coresSince(connectStart);
            out.printf("clients:  %,d connected, logged in and synced in %.1f s (%,.0f/s)%n", connections, connectSeconds,
                    connections / connectSeconds);

            long holdEnd = System.nanoTime() + config.duration().toNanos();
            long nextPing = System.nanoTime() + PING_EVERY_NANOS;
            byte[] ping = codec.encode(new Ping());
            while (System.nanoTime() < holdEnd) {
                Thread.sleep(Math.min(5000, Math.max(1, (holdEnd - System.nanoTime()) / 1_000_000)));
                if (System.nanoTime() >= nextPing) {
                    for (BenchClient c : clients) {
                        c.send(ping);
                    }
                    nextPing += PING_EVERY_NANOS;
                }
                out.printf("  holding: RSS %s, %d lost%n", Table.mib(server.rssKiB()), lost.get());
            }
            CpuSample held = CpuSample.now(server.pid());
            CpuSample.Cores holdCores = held.coresSince(connected);
            long heapHeld = server.liveHeapKiB();
            long rssHeld = server.rssKiB();
            long peakRss = server.peakRssKiB();
            int open = 0;
            for (BenchClient c : clients) {
                if (c.isOpen()) {
                    open++;
                }
            }
            GcLog gc = GcLog.read(server.gcLog());
            boolean alive = server.isAlive();
            for (BenchClient c : clients) {
                c.close();
            }
            int exit = server.stop();
            return new IdleResult(config, connections, users, open, connectSeconds, connectCores, holdCores,
                    heapBefore, heapHeld, rssBefore, rssHeld, peakRss, gc, alive, exit);
        }
    }
}
