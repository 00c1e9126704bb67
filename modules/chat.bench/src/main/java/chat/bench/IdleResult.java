package chat.bench;

import java.io.PrintStream;

/** The figures of an idle-connections run, and how they are printed. */
record IdleResult(BenchConfig config, int connections, int users, int open, double connectSeconds,
                  CpuSample.Cores connectCores, CpuSample.Cores holdCores, long heapBeforeKiB, long heapHeldKiB, long rssBeforeKiB,
                  long rssHeldKiB, long peakRssKiB, GcLog gc, boolean serverAlive, int serverExit) {

    void print(PrintStream out) {
        Table t = new Table(String.format("chat load generator: %,d idle connections (%,d users), server CHAT_JAVA_OPTS=\"%s\"",
                connections, users, config.serverJavaOpts()));
        double perConnHeap = heapHeldKiB < 0 || heapBeforeKiB < 0 ? -1 : (heapHeldKiB - heapBeforeKiB) * 1024.0 / connections;
        double perConnRss = (rssHeldKiB - rssBeforeKiB) * 1024.0 / connections;
        t.section("connections")
                .row("open at the end of the hold", "%,d of %,d (held %d s)", open, connections, config.duration().toSeconds())
                .row("connect + login + sync", "%.1f s, %,.0f/s; cpu: server %.2f, generator %.2f cores", connectSeconds,
                        connections / connectSeconds, connectCores.server(), connectCores.generator())
                .row("cpu while holding", "server %.3f, generator %.3f cores", holdCores.server(), holdCores.generator())
                .section("server heap (after a full GC)")
                .row("before connecting", "%s", Table.mib(heapBeforeKiB))
                .row("holding the connections", "%s", Table.mib(heapHeldKiB))
                .row("per connection", perConnHeap < 0 ? "n/a" : String.format("%,.0f bytes", perConnHeap))
                .row("GC log", "max used before a GC %,d MiB, committed at most %,d MiB, %d pauses (%.0f ms)",
                        gc.maxBeforeMiB(), gc.maxCommittedMiB(), gc.pauses(), gc.pauseMillis())
                .section("server resident memory")
                .row("RSS before / holding", "%s / %s", Table.mib(rssBeforeKiB), Table.mib(rssHeldKiB))
                .row("per connection", "%,.0f bytes", perConnRss)
                .row("peak RSS (VmHWM)", "%s", Table.mib(peakRssKiB))
                .section("checks")
                .row("server alive after the hold", "%s", serverAlive)
                .row("server exit after SIGTERM", "%d%s", serverExit, serverExit == 0 ? " (clean shutdown)" : "");
        t.print(out);
        out.printf("RESULT mode=idle connections=%d open=%d heap_before_mib=%.1f heap_held_mib=%.1f rss_held_mib=%.1f "
                        + "peak_rss_mib=%.1f heap_per_conn_bytes=%.0f rss_per_conn_bytes=%.0f%n",
                connections, open, heapBeforeKiB / 1024.0, heapHeldKiB / 1024.0, rssHeldKiB / 1024.0, peakRssKiB / 1024.0,
                perConnHeap, perConnRss);
    }
}
