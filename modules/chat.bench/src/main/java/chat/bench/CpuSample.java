package chat.bench;

/**
 * CPU clocks read at one instant: the server's (user and system), the generator's own, and
 * the whole machine's, so that what the kernel's network softirqs, the hypervisor (steal)
 * and the other tenants of a shared machine took shows too.
 */
record CpuSample(long nanos, long[] serverTicks, long selfTicks, long[] machineTicks, long databaseTicks) {

    static CpuSample now(long serverPid) {
        return now(new long[] {serverPid});
    }

    /** With several servers: their clocks summed; and PostgreSQL's processes, if any run. */
    static CpuSample now(long[] serverPids) {
        long[] sum = new long[2];
        for (long pid : serverPids) {
            long[] t = ProcFs.cpuTicksSplit(pid);
            sum[0] += Math.max(0, t[0]);
            sum[1] += Math.max(0, t[1]);
        }
        return new CpuSample(System.nanoTime(), sum, ProcFs.cpuTicks(ProcessHandle.current().pid()),
                ProcFs.machineTicks(), ProcFs.cpuTicksOfCommand("postgres"));
    }

    /**
     * Cores used over [{@code earlier}, this]. /proc/stat counts the ticks of every core, so
     * ticks per second of wall time are cores.
     */
    Cores coresSince(CpuSample earlier) {
        double seconds = (nanos - earlier.nanos) / 1e9;
        double serverUser = cores(serverTicks[0] - earlier.serverTicks[0], seconds);
        double serverSystem = cores(serverTicks[1] - earlier.serverTicks[1], seconds);
        double self = cores(selfTicks - earlier.selfTicks, seconds);
        double processes = cores(machineTicks[0] - earlier.machineTicks[0], seconds);
        double interrupts = cores(machineTicks[1] - earlier.machineTicks[1], seconds);
        double steal = cores(machineTicks[2] - earlier.machineTicks[2], seconds);
        double database = cores(databaseTicks - earlier.databaseTicks, seconds);
        return new Cores(serverUser + serverSystem, serverSystem, self,
                Math.max(0, processes - serverUser - serverSystem - self - database), interrupts, steal, database);
    }

    private static double cores(long ticks, double seconds) {
        return ticks / (double) ProcFs.TICKS_PER_SECOND / seconds;
    }

    /**
     * @param server         the server process, user + system
     * @param serverSystem   of which in the kernel (socket reads and writes, fsync, futexes)
     * @param generator      this process
     * @param otherProcesses every other process on the machine
     * @param interrupts     irq + softirq, charged to no process (much of loopback TCP)
     * @param steal          taken by the hypervisor for other virtual machines
     * @param database       PostgreSQL's processes (0 without a database)
     */
    record Cores(double server, double serverSystem, double generator, double otherProcesses, double interrupts,
                 double steal, double database) {
    }
}
