package chat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux says about a process and the machine, from /proc: CPU time (utime + stime,
 * in clock ticks of 1/100 s: USER_HZ is 100 on every Linux ABI the JDK runs on) and
 * memory (VmRSS, VmHWM = peak RSS). Values are -1 when /proc cannot tell (the process
 * has gone, or this is not Linux).
 */
final class ProcFs {

    static final int TICKS_PER_SECOND = 100;

    private ProcFs() {
    }

    /** utime + stime of {@code pid}, in clock ticks. */
    static long cpuTicks(long pid) {
        long[] t = cpuTicksSplit(pid);
        return t[0] < 0 ? -1 : t[0] + t[1];
    }

    /**
     * The CPU ticks (user + system) of every process whose command name is {@code comm}, e.g.
     * PostgreSQL's backends; a process that ended since an earlier reading takes its ticks
     * with it, so read it over a time in which they live (pooled connections do).
     */
    static long cpuTicksOfCommand(String comm) {
        long sum = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    if (open >= 0 && close > open && stat.substring(open + 1, close).equals(comm)) {
                        String[] f = stat.substring(close + 2).split(" ");
                        sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return sum;
    }

    /** {utime, stime} of {@code pid}, in clock ticks: time in the process's code, and in the kernel for it. */
    static long[] cpuTicksSplit(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the command name (field 2) may hold spaces and parentheses: fields restart after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])}; // fields 14 and 15 of proc(5)
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    /** A {@code /proc/PID/status} memory line (VmRSS, VmHWM, ...) in KiB. */
    static long statusKiB(long pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(key + ":")) {
                    return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }

    /**
     * The machine's CPU ticks since boot, all cores together (the first line of /proc/stat):
     * {busy in processes (user, nice, system), interrupts (irq, softirq), steal}. Loopback
     * TCP does much of its receive work in softirq context, which no process is charged for.
     */
    static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal
            long processes = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]);
            long interrupts = Long.parseLong(f[6]) + Long.parseLong(f[7]);
            long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            return new long[] {processes, interrupts, steal};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1, -1};
        }
    }

    /** The one-minute load average, or -1. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
