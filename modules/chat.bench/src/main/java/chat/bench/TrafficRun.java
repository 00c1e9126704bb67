package chat.bench;

import chat.protocol.MessageCodec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * A throughput or latency run: N clients, C channels of M members, every client sending
 * signed comms to its channels (closed loop with a window, or at a fixed total rate),
 * warm-up, then a measurement window in which accepted messages (echoes to their
 * senders), deliveries (every entry every member receives, echoes included) and latency
 * (send to receipt at each member) are counted, together with the server's CPU time.
 */
final class TrafficRun {

    private static final int BUFFER_BYTES = 64 * 1024;
    /** Messages a flooder keeps in flight: far more than the server's pacing lets through at once. */
    private static final int FLOODER_WINDOW = 1024;

    private final BenchConfig config;
    private final PrintStream out;

    TrafficRun(BenchConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    TrafficResult run(Path work) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        int everyone = config.clients() + config.flooders();
        Population population = Population.create(everyone, work);
        out.printf("users:    %d generated in %.1f s (server bundle in %s)%n", population.size(),
                (System.nanoTime() - t0) / 1e9, population.serverBundle());
        List<BenchChannel> channels = BenchChannel.plan(config.clients(), config.channels(), config.members());
        int ring = Integer.highestOneBit(Math.max(4096, 16 * config.window()) * 2 - 1);
        Load load = new Load(population, new SendTimes(everyone, ring), config.messageBytes());
        load.firstFlooder = config.clients();
        for (int f = 0; f < config.flooders(); f++) {
            channels.add(new BenchChannel(String.format("flood-%04d", f), new int[] {config.clients() + f}));
        }
        List<ServerProcess> servers = new ArrayList<>();
        try {
            for (int i = 0; i < config.servers(); i++) {
                Path dir = config.servers() == 1 ? work : java.nio.file.Files.createDirectories(work.resolve("server-" + (i + 1)));
                ServerProcess server = ServerProcess.start(config.serverImage(), config.serverModulePath(),
                        population.serverBundle(), dir, config.serverJavaOpts(), config.serverArgs());
                servers.add(server);
                out.printf("server:   pid %d listening on %s:%d (log %s)%n", server.pid(),
                        server.address().getHostString(), server.address().getPort(), server.log());
            }
            List<Member> members = connect(servers, load);
            for (BenchChannel ch : channels) {
                for (int m : ch.members) {
                    members.get(m).channels.add(ch);
                }
            }
            t0 = System.nanoTime();
            ChannelSetup.run(channels, members, load);
            out.printf("channels: %d x %d members set up in %.1f s%n", channels.size(), config.members(),
                    (System.nanoTime() - t0) / 1e9);
            return drive(servers, members, load);
        } finally {
            for (ServerProcess server : servers) {
                server.close();
            }
        }
    }

    private List<Member> connect(List<ServerProcess> servers, Load load) throws IOException, InterruptedException {
        int everyone = config.clients() + config.flooders();
        List<Member> members = new ArrayList<>(everyone);
        for (int i = 0; i < everyone; i++) {
            members.add(new Member(i, load, i < config.clients() ? config.window() : FLOODER_WINDOW));
        }
        MessageCodec codec = load.codec;
        long t0 = System.nanoTime();
        Connector.run(everyone, config.connectParallelism(), i -> {
            Member m = members.get(i);
            m.client = BenchClient.connect(i, m.keys, load.population.server(), servers.get(i % servers.size()).address(),
                    BUFFER_BYTES, codec);
            m.client.sync();
            m.client.startReading(m);
        });
        out.printf("clients:  %d connected and synced in %.1f s%n", members.size(), (System.nanoTime() - t0) / 1e9);
        return members;
    }

    private static long[] pids(List<ServerProcess> servers) {
        return servers.stream().mapToLong(ServerProcess::pid).toArray();
    }

    private TrafficResult drive(List<ServerProcess> servers, List<Member> everyone, Load load) throws InterruptedException {
        ServerProcess server = servers.getFirst(); // its GC log and memory stand for all
        List<Member> members = everyone.subList(0, config.clients());
        List<Member> flooders = everyone.subList(config.clients(), everyone.size());
        List<Member> senders = members.stream().filter(m -> !m.channels.isEmpty()).toList();
        int presign = config.presignPerSender(senders.size());
        if (presign > 0) {
            long t0 = System.nanoTime();
            senders.parallelStream().forEach(m -> {
                try {
                    m.presign(presign);
                } catch (chat.crypto.MalformedInputException e) {
                    throw new IllegalStateException("a generated channel key was refused", e);
                }
            });
            out.printf("presign:  %,d messages (%,d per sender) signed in %.1f s%n", (long) presign * senders.size(), presign,
                    (System.nanoTime() - t0) / 1e9);
        }
        long interval = config.rate() > 0 ? Math.round(senders.size() * 1e9 / config.rate()) : 0;
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (Member m : senders) {
            long firstDue = start + (interval > 0 ? ThreadLocalRandom.current().nextLong(interval) : 0);
            threads.add(Thread.ofVirtual().name("bench-sender-" + m.keys.name()).start(() -> m.sendLoop(interval, firstDue)));
        }
        List<Thread> flooding = new ArrayList<>();
        for (Member m : flooders) {
            flooding.add(Thread.ofVirtual().name("bench-flooder-" + m.keys.name()).start(() -> m.sendLoop(0, start)));
        }
        if (!flooders.isEmpty()) {
            out.printf("flooders: %d, each alone in its channel, as fast as the server lets them (window %d)%n",
                    flooders.size(), FLOODER_WINDOW);
        }
        out.printf("load:     %d senders, %s, window %d, %d-char messages; warm-up %d s, measuring %d s%n",
                senders.size(), config.rate() > 0 ? String.format("%.0f msg/s in total", config.rate()) : "as fast as possible",
                config.window(), config.messageBytes(), config.warmup().toSeconds(), config.duration().toSeconds());
        Quiet ignored = new Quiet();
        Totals before = watch(servers, members, load, config.warmup(), "warm-up", ignored);
        long floodStart = accepted(flooders);
        CpuSample cpuBefore = CpuSample.now(pids(servers));
        GcLog gcBefore = GcLog.read(server.gcLog());
        Quiet quiet = new Quiet();
        Totals after = watch(servers, members, load, config.duration(), "measure", quiet);
        CpuSample cpuAfter = CpuSample.now(pids(servers));
        long flooded = accepted(flooders) - floodStart;
        GcLog gc = GcLog.read(server.gcLog()).since(gcBefore);
        long peakRss = server.peakRssKiB();
        long rss = server.rssKiB();

        // Not Thread.interrupt: it would close the socket of a sender blocked in a write.
        load.running = false;
        for (int i = 0; i < senders.size(); i++) {
            senders.get(i).window.release(1 << 20);
            LockSupport.unpark(threads.get(i));
        }
        for (int i = 0; i < flooders.size(); i++) {
            flooders.get(i).window.release(1 << 20);
            LockSupport.unpark(flooding.get(i));
        }
        for (Thread t : threads) {
            t.join();
        }
        for (Thread t : flooding) {
            t.join();
        }
        Totals drained = drain(members, load, Duration.ofSeconds(10));
        for (Member m : everyone) {
            m.client.close();
        }
        long lostConnections = 0;
        for (Member m : everyone) {
            m.client.awaitReader();
            if (m.lost != null) {
                lostConnections++;
            }
        }
        int exit = 0;
        for (ServerProcess s : servers) {
            exit = Math.max(exit, s.stop());
        }
        double seconds = (cpuAfter.nanos() - cpuBefore.nanos()) / 1e9;
        return new TrafficResult(config, senders.size(), presign, seconds, after.minus(before), drained, quiet,
                cpuAfter.coresSince(cpuBefore), peakRss, rss, gc, lostConnections, exit, List.copyOf(load.errorSamples),
                flooded);
    }

    private static long accepted(List<Member> members) {
        long n = 0;
        for (Member m : members) {
            n += m.accepted.get();
        }
        return n;
    }

    /**
     * The seconds of the measurement in which the rest of the machine (other processes and
     * steal) took less than {@value #QUIET_CORES} of a core, and their latencies: on a shared
     * machine they show what the server does when it has the cores it was measured with.
     */
    static final class Quiet {
        static final double QUIET_CORES = 0.1;
        final LatencyHistogram latency = new LatencyHistogram();
        int seconds;
        int of;
        long accepted;
    }

    /** Lets the load run for {@code length}, printing a line a second; returns the totals at the end. */
    private Totals watch(List<ServerProcess> servers, List<Member> members, Load load, Duration length, String phase,
                         Quiet quiet) throws InterruptedException {
        long end = System.nanoTime() + length.toNanos();
        Totals last = Totals.of(members, load);
        CpuSample lastCpu = CpuSample.now(pids(servers));
        int second = 0;
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            Totals now = Totals.of(members, load);
            CpuSample cpu = CpuSample.now(pids(servers));
            double dt = (cpu.nanos() - lastCpu.nanos()) / 1e9;
            CpuSample.Cores cores = cpu.coresSince(lastCpu);
            Totals d = now.minus(last);
            out.printf("  %-7s %3d s  accepted %,7.0f/s  deliveries %,8.0f/s  p50 %6.1f  p99 %7.1f ms"
                            + "  cores: server %.2f  gen %.2f  softirq %.2f  others %.2f%n",
                    phase, ++second, d.accepted() / dt, d.deliveries() / dt, d.latency().percentile(0.5) / 1000.0,
                    d.latency().percentile(0.99) / 1000.0, cores.server(), cores.generator(), cores.interrupts(),
                    cores.otherProcesses() + cores.steal());
            quiet.of++;
            if (cores.otherProcesses() + cores.steal() < Quiet.QUIET_CORES) {
                quiet.seconds++;
                quiet.latency.add(d.latency());
                quiet.accepted += d.accepted();
            }
            for (ServerProcess server : servers) {
                if (!server.isAlive()) {
                    throw new IllegalStateException("a server exited during the run; see " + server.log());
                }
            }
            last = now;
            lastCpu = cpu;
        }
        return last;
    }

    /** Waits until every sent message is echoed or refused (or {@code timeout} passes). */
    private static Totals drain(List<Member> members, Load load, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Totals t = Totals.of(members, load);
        while (t.sent() > t.accepted() + t.rejected() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            t = Totals.of(members, load);
        }
        return t;
    }

    /** Sums of the members' counters, and the latencies, at one instant. */
    record Totals(long sent, long accepted, long deliveries, long rejected, long unmatched, long outOfOrder,
                  long signedLive, LatencyHistogram latency) {

        static Totals of(List<Member> members, Load load) {
            long s = 0, a = 0, d = 0, r = 0, u = 0, o = 0, l = 0;
            for (Member m : members) {
                s += m.sent.get();
                a += m.accepted.get();
                d += m.deliveries.get();
                r += m.rejected.get();
                u += m.unmatched.get();
                o += m.outOfOrder.get();
                l += m.signedLive.get();
            }
            return new Totals(s, a, d, r, u, o, l, load.latency.snapshot());
        }

        Totals minus(Totals o) {
            return new Totals(sent - o.sent, accepted - o.accepted, deliveries - o.deliveries, rejected - o.rejected,
                    unmatched - o.unmatched, outOfOrder - o.outOfOrder, signedLive - o.signedLive, latency.minus(o.latency));
        }
    }
}
