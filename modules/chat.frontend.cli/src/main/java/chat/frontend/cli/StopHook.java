package chat.frontend.cli;

import java.time.Duration;

/**
 * What the client does when the program is stopped under it: a Ctrl-C that no line reader
 * catches (in plain mode, or while logging in), SIGTERM, SIGHUP. The JVM then runs its
 * shutdown hooks and exits (130 after Ctrl-C); this one says what was going on, what was
 * not sent, and closes the client so that its local state is closed cleanly. The JVM
 * waits for shutdown hooks, so it gives up after {@link #LIMIT}.
 */
final class StopHook {

    /** How long the program may take to stop once stopped. */
    static final Duration LIMIT = Duration.ofSeconds(2);

    private volatile Runnable action = () -> { };
    private Thread hook;

    /** What to do if the program is stopped from now on. */
    void set(Runnable onStop) {
        action = onStop;
    }

    /** Runs the current action on a thread of its own, waiting for it at most {@link #LIMIT}. */
    void run() {
        Runnable now = action;
        Thread worker = Thread.ofPlatform().name("chat-cli-stopping").daemon().unstarted(() -> {
            try {
                now.run();
            } catch (RuntimeException | Error e) {
                // the screen or the client is already gone: nothing more to say
            }
        });
        worker.start();
        try {
            worker.join(LIMIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Registers this as a JVM shutdown hook, until {@link #uninstall}. */
    void install() {
        hook = new Thread(this::run, "chat-cli-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    void uninstall() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs (or has run) already
        }
    }
}
