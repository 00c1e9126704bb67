package chat.frontend.cli;

import chat.client.ChatClient;
import chat.client.spi.ExitStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.utils.AttributedString;

/**
 * A logged-in session: reads lines, runs them as commands, and leaves cleanly. Commands
 * the server must answer go through a {@link CommandChain}, so that "/create x", then a
 * message, works even when typed faster than the server answers (as a script does);
 * commands that only show something run at once. Nothing typed is lost silently: a
 * command still waiting for an earlier one's answer when the session ends is printed in
 * full, to be typed again.
 */
final class ChatSession {

    /** How long leaving waits for the server to confirm what was sent. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);
    /** How often leaving looks whether Ctrl-C cut the wait short. */
    private static final Duration SLICE = Duration.ofMillis(100);

    private final Screen screen;
    private final ChatClient client;
    private final ChatView view;
    private final LineFormat format;
    private final Duration drain;
    private final CommandChain chain = new CommandChain();
    /** Completed by a Ctrl-C that the screen catches while no line is being read: leave now. */
    private final CompletableFuture<Void> interrupted = new CompletableFuture<>();
    private final AtomicBoolean reported = new AtomicBoolean();

    ChatSession(Screen screen, ChatClient client, ChatView view, LineFormat format, Duration drain) {
        this.screen = screen;
        this.client = client;
        this.view = view;
        this.format = format;
        this.drain = drain;
    }

    int run() throws InterruptedException {
        screen.completeWith(new ChatCompleter(client, view::currentNow));
        Runnable before = screen.onInterrupt(() -> interrupted.complete(null));
        screen.onResize(view::redraw);
        screen.onNavigation(view::enterNumber, view::pageUp, view::pageDown);
        try {
            view.start(client);
            if (!client.queuesDurably()) {
                view.complain("Another chat client uses this device's state: this one keeps it in memory only."
                        + " What it cannot send before you leave is lost.");
            }
            chat();
            return leave();
        } finally {
            screen.onInterrupt(before);
        }
    }

    private void chat() {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chat-cli-status");
            t.setDaemon(true);
            return t;
        });
        try {
            // Counts down "retrying in 4s" while offline, and fits the status bar to a resized
            // window; otherwise the view redraws on events.
            ticker.scheduleAtFixedRate(() -> {
                if (!view.online() || screen.resized()) {
                    view.refresh();
                }
            }, 1, 1, TimeUnit.SECONDS);
            String line;
            while (!interrupted.isDone() && (line = screen.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    if (!execute(Command.parse(line))) {
                        break;
                    }
                } catch (Command.Usage e) {
                    view.complain(e.getMessage());
                }
            }
        } finally {
            ticker.shutdownNow();
        }
    }

    /** Runs one command; false for /quit. */
    boolean execute(Command command) {
        switch (command) {
            case Command.Send s -> send(s.text());
            case Command.Create c -> create(c.channel());
            case Command.Invite i -> i.users().forEach(this::invite);
            case Command.Leave l -> change("/leave", "leave", null, client::leave);
            case Command.Remove r -> change("/remove " + r.user(), "remove " + r.user() + " from", r.user(),
                    (channel, tag) -> client.remove(channel, r.user(), tag));
            case Command.Admin a -> change("/admin " + a.user(), "make " + a.user() + " an admin of", a.user(),
                    (channel, tag) -> client.makeAdmin(channel, a.user(), tag));
            case Command.Rotate r -> change("/rotate", "rotate the key of", null, client::rotate);
            // These only show something (or switch what is shown): never behind the chain.
            case Command.Join j -> show(() -> view.enter(j.channel(), ChatView.RECENT));
            case Command.Channels c -> show(view::listChannels);
            case Command.Members m -> show(view::listMembers);
            case Command.History h -> show(() -> view.showHistory(h.limit()));
            case Command.Alarms a -> show(view::listAlarms);
            case Command.Whois w -> show(() -> view.whois(w.user(), false));
            case Command.Verify v -> show(() -> view.whois(v.user(), true));
            case Command.Who w -> show(view::who);
            case Command.Window w -> show(() -> view.enterNumber(w.number()));
            case Command.Clear c -> view.clearWindow();
            case Command.Search f -> show(() -> view.search(f.text()));
            case Command.Notify n -> {
                if (n.mode() == null) {
                    view.tell(format.info("Notifications: " + view.notifyMode().word()
                            + " (/notify on|mentions|off changes it)."));
                } else {
                    view.notifyMode(n.mode());
                }
            }
            case Command.Help h -> show(this::help);
            case Command.Quit q -> {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs a command that only shows something, now. For a person that is at once, whatever
     * waits for the server. A script, while online, gets it after the commands before it
     * have been answered (as if it were chained: "/invite bob" then "/members" lists bob),
     * waiting at most as long as leaving would; offline it runs at once.
     */
    private void show(Runnable action) {
        if (!screen.interactive() && client.connected()) {
            try {
                CompletableFuture.anyOf(chain.settled(), interrupted).get(drain.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // shown as things are now
            }
        }
        action.run();
    }

    /** A message for the channel current when it was typed. */
    private void send(String text) {
        view.live(); // after paging back: what you send shows under the newest entries
        String channel = view.current();
        if (channel == null) {
            view.complain("You are not in a channel: /create NAME starts one, /join NAME enters one.");
            return;
        }
        String typed = text.startsWith("/") ? "/" + text : text;
        chain.submit(new CommandChain.Line(typed, channel), null, this::waiting, () -> {
            boolean offline = !client.connected();
            CompletableFuture<Long> sent = client.send(channel, text).whenComplete((seq, failure) -> {
                if (failure != null) {
                    view.complain(Refusal.explain(failure, channel, null));
                }
            });
            if (offline && !sent.isDone()) {
                view.tell(format.hint("(offline: queued; it goes to #" + channel + " when the connection is back)"));
            }
            return sent;
        });
    }

    /** Switches to the new channel at once, so that what is typed next goes there. */
    private void create(String channel) {
        String before = view.enterNew(channel);
        chain.submit(new CommandChain.Line("/create " + channel, null), "#" + channel + " to be created",
                this::waiting, () -> client.createChannel(channel).whenComplete((seq, failure) -> {
                    if (failure != null) {
                        view.leaveNew(channel, before);
                        view.complain(Refusal.explain(failure, channel, null));
                    } else {
                        view.tell(format.hint("#" + channel + " is ready: /invite NAME brings people in."));
                    }
                }));
    }

    /** An invitation to the channel current when it was typed. */
    private void invite(String user) {
        String channel = view.current();
        if (channel == null) {
            view.complain("You are not in a channel: /join the channel to invite " + user + " to first.");
            return;
        }
        chain.submit(new CommandChain.Line("/invite " + user, channel), user + " to be added to #" + channel,
                this::waiting, () -> client.invite(channel, user).whenComplete((seq, failure) -> {
                    if (failure != null) {
                        view.complain(Refusal.explain(failure, channel, user));
                    }
                }));
    }

    /** leave, remove, admin, rotate: about the current channel; the events show what happened. */
    private void change(String typed, String what, String user,
                        java.util.function.BiFunction<String, String, CompletableFuture<Long>> command) {
        String channel = view.current();
        if (channel == null) {
            view.complain("You are not in a channel: /join the channel to " + what + " first.");
            return;
        }
        // a barrier like /invite: "/remove carol" then "/members" shows carol gone
        chain.submit(new CommandChain.Line(typed, channel), "the answer to " + typed + " in #" + channel, this::waiting,
                () -> command.apply(channel, null).whenComplete((seq, failure) -> {
                    if (failure != null) {
                        view.complain(Refusal.explain(failure, channel, user));
                    }
                }));
    }

    /**
     * A command waits for an earlier one's answer. A person is told; a script is told only
     * while offline (online, the answer comes in a moment, and its output stays the same
     * from one run to the next).
     */
    private void waiting(String what) {
        if (screen.interactive() || !client.connected()) {
            view.tell(format.hint("(waiting for " + what + "; it will be sent then)"));
        }
    }

    private void help() {
        view.tell(format.header("Commands:"));
        for (Command.Syntax s : Command.Syntax.values()) {
            String usage = s.word + (s.arguments.isEmpty() ? "" : " " + s.arguments);
            view.tell(format.info(String.format("  %-16s %s", usage, s.description)));
        }
        view.tell(format.info("Anything else is sent to the current channel; //text sends /text."));
        if (screen.interactive()) {
            view.tell(format.hint("Tab completes commands, channels and names; Up and Down recall what you typed;"
                    + " Alt-1..Alt-9 switch channels; PageUp and PageDown page through the channel's history;"
                    + " Ctrl-D leaves."));
        }
    }

    /** Leaves: waits a little for acknowledgements, then says what was not sent and what stays queued. */
    private int leave() throws InterruptedException {
        int unconfirmed = chain.waiting() + client.pendingCount();
        // Not after a Ctrl-C, nor once stopped (the stop hook has said everything), nor after
        // "stopped reconnecting" (nothing more will be confirmed).
        boolean wait = !interrupted.isDone() && !reported.get() && !view.gaveUp();
        if (wait && unconfirmed > 0 && screen.interactive()) {
            view.tell(format.hint("Waiting for the server to confirm " + unconfirmed + " "
                    + ChatView.plural(unconfirmed, "command") + "... (Ctrl-C: leave now)"));
        }
        if (wait) {
            settle(System.nanoTime() + drain.toNanos());
        }
        if (interrupted.isDone() && screen.interactive()) {
            view.tell(AttributedString.EMPTY); // after the terminal's "^C"
        }
        report();
        if (screen.interactive()) {
            view.tell(format.hint("Bye."));
        }
        return ExitStatus.OK;
    }

    /**
     * Waits until {@code deadline} (System.nanoTime) or a Ctrl-C for the commands that
     * wait in the chain to be handed over, then for the client to have every command
     * acknowledged (which also lets the events already received, the echoes, be shown).
     */
    private void settle(long deadline) throws InterruptedException {
        try {
            CompletableFuture.anyOf(chain.settled(), interrupted).get(deadline - System.nanoTime(),
                    TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // neither fails
        } catch (TimeoutException e) {
            return;
        }
        while (!interrupted.isDone()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || client.awaitPending(Duration.ofNanos(Math.min(left, SLICE.toNanos())))) {
                return;
            }
        }
    }

    /**
     * Says, once, what was not sent (every command still waiting in the chain, in full, so
     * it can be typed again) and what stays queued; the chain runs nothing after this.
     */
    private void report() {
        if (!reported.compareAndSet(false, true)) {
            return;
        }
        List<CommandChain.Line> unsent = chain.close();
        view.markRead();
        int queued = client.pendingCount();
        if (queued > 0 && client.queuesDurably()) {
            view.tell(format.info(queued + " " + ChatView.plural(queued, "command not yet confirmed by the server stays",
                    "commands not yet confirmed by the server stay") + " queued on this device; "
                    + ChatView.plural(queued, "it is", "they are") + " sent the next time you start chat."));
        } else if (queued > 0) {
            view.complain(queued + " " + ChatView.plural(queued, "command", "commands") + " not yet confirmed by the"
                    + " server " + ChatView.plural(queued, "is", "are") + " lost: this client kept its queue in memory"
                    + " only (another chat client uses this device's state).");
        }
        for (CommandChain.Line line : unsent) {
            view.complain("Not sent" + (line.channel() == null ? "" : " to #" + line.channel())
                    + " (waiting for the server): " + line.text());
        }
    }

    /**
     * The program is being stopped under the session (Ctrl-C in plain mode, SIGTERM): no
     * waiting, but what was not sent is said, as when leaving, and the client is closed.
     * Called by the {@link StopHook}, on a thread of its own.
     */
    void abandon() {
        if (screen.interactive() && !reported.get()) {
            view.tell(AttributedString.EMPTY); // after the terminal's "^C"
        }
        report();
        client.close();
    }
}
