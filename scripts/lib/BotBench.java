import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives one json client as a bot (scripts/bench bot): runs the client command given after
 * N, waits for "ready", creates #bot, then writes N send commands (ids 1..N) without waiting
 * and times from the first send to the last "ok". Checks exactly-once on the way: every id
 * answered once, by "ok", with a seq of its own. Prints "bot: N sends ... msg/s".
 */
public class BotBench {
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");
    /** BOT_TRACE=1: the time of every tenth of the answers and of the last command written, on stderr. */
    private static final boolean TRACE = System.getenv("BOT_TRACE") != null;
    private static final AtomicLong T0 = new AtomicLong();

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Process client = new ProcessBuilder(List.of(args).subList(1, args.length))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedWriter in = new BufferedWriter(new OutputStreamWriter(client.getOutputStream(), StandardCharsets.UTF_8),
                1 << 16);
        CountDownLatch ready = new CountDownLatch(1);
        CountDownLatch created = new CountDownLatch(1);
        CountDownLatch allAnswered = new CountDownLatch(1);
        AtomicLong lastOk = new AtomicLong();
        AtomicLong halfOk = new AtomicLong(); // the n/2-th ok: the second half is the rate once the JIT has warmed up
        AtomicInteger oks = new AtomicInteger();
        AtomicInteger problems = new AtomicInteger();
        BitSet answered = new BitSet(n + 1);
        Set<Long> seqs = new HashSet<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.UTF_8), 1 << 16)) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("{\"event\":\"ready\"")) {
                        ready.countDown();
                    } else if (line.startsWith("{\"event\":\"ok\"") || line.startsWith("{\"code\"")
                            || line.contains("\"event\":\"error\"")) {
                        Matcher id = ID.matcher(line);
                        if (!id.find()) {
                            continue; // quit's ok
                        }
                        long i = Long.parseLong(id.group(1));
                        if (i == 0) {
                            created.countDown();
                            continue;
                        }
                        if (!line.startsWith("{\"event\":\"ok\"") || answered.get((int) i)) {
                            if (problems.incrementAndGet() <= 5) {
                                System.err.println("bot: unexpected answer " + line);
                            }
                            continue;
                        }
                        answered.set((int) i);
                        Matcher seq = SEQ.matcher(line);
                        if (!seq.find() || !seqs.add(Long.parseLong(seq.group(1)))) {
                            problems.incrementAndGet();
                        }
                        int k = oks.incrementAndGet();
                        if (TRACE && k % (n / 10) == 0) {
                            System.err.printf("bot: %d ok at %d ms%n", k, (System.nanoTime() - T0.get()) / 1_000_000);
                        }
                        if (k == n / 2) {
                            halfOk.set(System.nanoTime());
                        }
                        if (k == n) {
                            lastOk.set(System.nanoTime());
                            allAnswered.countDown();
                        }
                    }
                }
            } catch (java.io.IOException e) {
                System.err.println("bot: " + e);
            }
            ready.countDown();
            created.countDown();
            allAnswered.countDown();
        });
        if (!ready.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no ready within 120 s");
        }
        in.write("{\"cmd\":\"create\",\"channel\":\"bot\",\"id\":0}\n");
        in.flush();
        created.await();
        long t0 = System.nanoTime();
        T0.set(t0);
        for (int i = 1; i <= n; i++) {
            in.write("{\"cmd\":\"send\",\"channel\":\"bot\",\"text\":\"bot message " + i
                    + ", about a hundred bytes of text like a small notification of some kind..\",\"id\":" + i + "}\n");
        }
        in.flush();
        if (TRACE) {
            System.err.printf("bot: all %d commands written at %d ms%n", n, (System.nanoTime() - t0) / 1_000_000);
        }
        allAnswered.await();
        long t1 = lastOk.get();
        in.write("{\"cmd\":\"quit\"}\n");
        in.close();
        int exit = client.waitFor();
        reader.join();
        double seconds = (t1 - t0) / 1e9;
        System.out.printf("bot: %d sends through one json client in %.2f s: %.0f msg/s (first send to last ok);"
                + " %d answered ok, %d distinct seqs, %d problems, client exit %d%n", n, seconds,
                oks.get() / seconds, oks.get(), seqs.size(), problems.get(), exit);
        if (halfOk.get() != 0 && t1 > halfOk.get()) {
            System.out.printf("bot: second half (%d sends, warmed up): %.0f msg/s%n", n - n / 2,
                    (n - n / 2) / ((t1 - halfOk.get()) / 1e9));
        }
        if (oks.get() != n || seqs.size() != n || problems.get() > 0 || exit != 0) {
            System.exit(1);
        }
    }
}
