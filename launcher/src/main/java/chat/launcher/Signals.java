package chat.launcher;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM start a clean shutdown instead of killing the JVM, so the
 * server finishes what it accepted and exits 0. A second signal while shutting down is
 * ignored; SIGKILL still kills at once, and the journal is built to survive that.
 */
final class Signals {

    private Signals() {
    }

    static void onTermination(Runnable shutdown) {
        Thread[] running = new Thread[1];
        SignalHandler handler = signal -> {
            synchronized (running) {
                if (running[0] == null) {
                    running[0] = Thread.ofPlatform().name("chat-shutdown").start(shutdown);
                }
            }
        };
        Signal.handle(new Signal("INT"), handler);
        Signal.handle(new Signal("TERM"), handler);
    }
}
