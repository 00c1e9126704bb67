package chat.bench;

import java.io.PrintStream;
import java.util.List;

/** The figures of a traffic run, and how they are printed. */
record TrafficResult(BenchConfig config, int senders, int presignedPerSender, double seconds, TrafficRun.Totals window,
                     TrafficRun.Totals end, TrafficRun.Quiet quiet, CpuSample.Cores cores, long peakRssKiB, long rssKiB,
                     GcLog gc, long lostConnections, int serverExit, List<String> errors, long floodedInWindow) {

    LatencyHistogram latency() {
        return window.latency();
    }

    double acceptedPerSecond() {
        return window.accepted() / seconds;
    }

    double deliveriesPerSecond() {
        return window.deliveries() / seconds;
    }

    /** Sent but neither echoed nor refused once the senders stopped and the queue drained. */
    long unanswered() {
        return end.sent() - end.accepted() - end.rejected();
    }

    void print(PrintStream out) {
        Table t = new Table(String.format("chat load generator: %d clients, %d channels x %d members, %s, window %d, %d-char messages",
                config.clients(), config.channels(), config.members(),
                config.rate() > 0 ? String.format("rate %.0f msg/s", config.rate()) : "max rate",
                config.window(), config.messageBytes()));
        t.section("throughput (measurement window of " + String.format("%.1f", seconds) + " s)")
                .row("accepted messages/s", "%,.0f  (echoes to their senders; %d senders)", acceptedPerSecond(), senders)
                .row("server cpu per accepted message", "%.0f us  (check, store, %d deliveries)",
                        cores.server() * 1e6 / Math.max(1, acceptedPerSecond()), config.members())
                .row("deliveries/s", "%,.0f  (entries received by all members, echoes included)", deliveriesPerSecond())
                .row("flooders' accepted messages/s", config.flooders() == 0 ? "no flooders"
                        : String.format("%,.0f  (%d flooders, not in the figures above or the latencies)",
                                floodedInWindow / seconds, config.flooders()))
                .section("delivery latency (send -> receipt at each member)")
                .row("samples", "%,d  (%,d unmatched)", latency().count(), window.unmatched())
                .row("p50 / p90 / p99", "%s / %s / %s", Table.millis(latency().percentile(0.50)),
                        Table.millis(latency().percentile(0.90)), Table.millis(latency().percentile(0.99)))
                .row("p99.9 / max / mean", "%s / %s / %.2f ms", Table.millis(latency().percentile(0.999)),
                        Table.millis(latency().max()), latency().mean() / 1000)
                .row("in quiet seconds", quiet.seconds == 0 ? "none: other processes took >= 0.1 core every second"
                        : String.format("p50 %s, p99 %s, max %s; %,.0f accepted/s  (%d of %d s with other processes"
                                + " < %.1f core)", Table.millis(quiet.latency.percentile(0.5)),
                        Table.millis(quiet.latency.percentile(0.99)), Table.millis(quiet.latency.max()),
                        (double) quiet.accepted / quiet.seconds, quiet.seconds, quiet.of, TrafficRun.Quiet.QUIET_CORES))
                .section("cpu (cores, of " + Runtime.getRuntime().availableProcessors() + ")")
                .row("server", "%.2f  (%.2f of it in the kernel)", cores.server(), cores.serverSystem())
                .row("database", "%.2f  (PostgreSQL's processes; 0 with the journal)", cores.database())
                .row("generator", "%.2f", cores.generator())
                .row("kernel irq + softirq", "%.2f  (loopback TCP, charged to no process)", cores.interrupts())
                .row("other processes", "%.2f  (other tenants of the machine)", cores.otherProcesses())
                .row("steal", "%.2f  (taken by the hypervisor)", cores.steal())
                .section("server memory")
                .row("peak RSS (VmHWM)", "%s  (RSS at the end %s)", Table.mib(peakRssKiB), Table.mib(rssKiB))
                .row("heap (GC log)", "max used before a GC %,d MiB, after the last GC %,d MiB, committed %,d MiB",
                        gc.maxBeforeMiB(), gc.lastAfterMiB(), gc.maxCommittedMiB())
                .row("GC pauses in the window", "%d, %.0f ms in total", gc.pauses(), gc.pauseMillis())
                .section("checks")
                .row("sent / accepted / refused", "%,d / %,d / %,d  (%d unanswered after draining)", end.sent(),
                        end.accepted(), end.rejected(), unanswered())
                .row("messages signed", presignedPerSender > 0
                        ? String.format("before the run: %,d per sender; during the window: %,d%s", presignedPerSender,
                                window.signedLive(), window.signedLive() > 0 ? " (the pre-signed ones ran out)" : "")
                        : "while sending (no --presign)")
                .row("gaps in channelSeq order", "%d", end.outOfOrder())
                .row("connections lost", "%d", lostConnections)
                .row("server exit after SIGTERM", "%d%s", serverExit, serverExit == 0 ? " (clean shutdown)" : "");
        t.print(out);
        if (!errors.isEmpty()) {
            out.println("errors seen (first " + errors.size() + "):");
            errors.forEach(e -> out.println("  " + e));
        }
        // one line for scripts (scripts/bench latency reads accepted_per_s)
        out.printf("RESULT mode=traffic accepted_per_s=%.0f deliveries_per_s=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f"
                        + " server_cores=%.2f generator_cores=%.2f other_cores=%.2f softirq_cores=%.2f"
                        + " server_peak_rss_mib=%.0f refused=%d unanswered=%d gaps=%d lost=%d signed_live=%d"
                        + " quiet_seconds=%d quiet_p99_ms=%.2f flooders=%d flooder_accepted_per_s=%.0f%n",
                acceptedPerSecond(), deliveriesPerSecond(), latency().percentile(0.5) / 1000.0,
                latency().percentile(0.99) / 1000.0, latency().max() / 1000.0, cores.server(), cores.generator(),
                cores.otherProcesses(), cores.interrupts(), peakRssKiB / 1024.0, end.rejected(), unanswered(),
                end.outOfOrder(), lostConnections, window.signedLive(), quiet.seconds,
                quiet.latency.percentile(0.99) / 1000.0, config.flooders(), floodedInWindow / seconds);
    }
}
