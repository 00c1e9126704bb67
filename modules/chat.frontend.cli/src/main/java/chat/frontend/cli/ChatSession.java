package chat.frontend.cli;

import chat.client.ChatClient;
import chat.client.spi.ExitStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A logged-in session: reads lines, runs them as commands, and leaves cleanly. Commands
 * that touch channels go through a {@link CommandChain}, so that "/create x", then a
 * message, works even when typed faster than the server answers (as a script does).
 */
final class ChatSession {

    /** How long leaving waits for the server to confirm what was sent. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

    private final Screen screen;
    private final ChatClient client;
    private final ChatView view;
    private final LineFormat format;
    private final Duration drain;
    private final CommandChain chain = new CommandChain();

    ChatSession(Screen screen, ChatClient client, ChatView view, LineFormat format, Duration drain) {
        this.screen = screen;
        this.client = client;
        this.view = view;
        this.format = format;
        this.drain = drain;
    }

    int run() throws InterruptedException {
        screen.completeWith(new ChatCompleter(client, view::currentNow));
        view.start(client);
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
            while ((line = screen.readLine()) != null) {
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
        return leave();
    }

    /** Runs one command; false for /quit. */
    boolean execute(Command command) {
        switch (command) {
            case Command.Send s -> send(s.text());
            case Command.Create c -> create(c.channel());
            case Command.Join j -> later(() -> view.enter(j.channel(), ChatView.RECENT));
            case Command.Invite i -> i.users().forEach(this::invite);
            case Command.Channels c -> later(view::listChannels);
            case Command.Members m -> later(view::listMembers);
            case Command.History h -> later(() -> view.showHistory(h.limit()));
            case Command.Alarms a -> later(view::listAlarms);
            case Command.Help h -> later(this::help);
            case Command.Quit q -> {
                return false;
            }
        }
        return true;
    }

    /** A command that only shows something: after what was typed before it, like everything else. */
    private void later(Runnable action) {
        chain.submit(() -> {
            action.run();
            return CompletableFuture.completedFuture(null);
        }, false);
    }

    private void send(String text) {
        chain.submit(() -> {
            String channel = view.current();
            if (channel == null) {
                view.complain("You are not in a channel: /create NAME starts one, /join NAME enters one.");
                return CompletableFuture.completedFuture(null);
            }
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
        }, false);
    }

    private void create(String channel) {
        chain.submit(() -> {
            String before = view.enterNew(channel);
            return client.createChannel(channel).whenComplete((seq, failure) -> {
                if (failure != null) {
                    view.leaveNew(channel, before);
                    view.complain(Refusal.explain(failure, channel, null));
                } else {
                    view.tell(format.hint("#" + channel + " is ready: /invite NAME brings people in."));
                }
            });
        }, true);
    }

    private void invite(String user) {
        chain.submit(() -> {
            String channel = view.current();
            if (channel == null) {
                view.complain("You are not in a channel: /join the channel to invite " + user + " to first.");
                return CompletableFuture.completedFuture(null);
            }
            return client.invite(channel, user).whenComplete((seq, failure) -> {
                if (failure != null) {
                    view.complain(Refusal.explain(failure, channel, user));
                }
            });
        }, true);
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
                    + " Ctrl-D leaves."));
        }
    }

    /** Leaves: waits a little for acknowledgements and says what stays queued. */
    private int leave() throws InterruptedException {
        chain.drain(drain);
        int pending = client.pendingCount();
        if (pending > 0 && screen.interactive()) {
            view.tell(format.hint("Waiting for the server to confirm " + pending + " "
                    + ChatView.plural(pending, "command") + "..."));
        }
        client.awaitPending(drain); // also lets the events already received (echoes) be shown
        view.markRead();
        int queued = client.pendingCount();
        if (queued > 0) {
            view.tell(format.info(queued + " " + ChatView.plural(queued, "command not yet confirmed by the server stays",
                    "commands not yet confirmed by the server stay") + " queued on this device; "
                    + ChatView.plural(queued, "it is", "they are") + " sent the next time you start chat."));
        }
        int dropped = chain.waiting();
        if (dropped > 0) {
            view.complain(dropped + " " + ChatView.plural(dropped, "command") + " waiting for the server's answer to"
                    + " an earlier one could not be sent; please type them again next time.");
        }
        if (screen.interactive()) {
            view.tell(format.hint("Bye."));
        }
        return ExitStatus.OK;
    }
}
