package chat.frontend.cli;

import chat.client.Alarm;
import chat.client.ChannelInfo;
import chat.client.ChatClient;
import chat.client.ClientEvent;
import chat.client.CommandException;
import chat.client.HistoryItem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.jline.utils.AttributedString;

/**
 * What the person sees of the chat, and the state behind it: the current channel, how far
 * each channel has been accounted for, unread counts elsewhere, alarms not yet looked at,
 * and the connection. Client events and commands both end up here.
 *
 * <p>Events up to Ready are the login's replay: its entries are in the history and the
 * unread counts that {@link #start} shows, so only its alarms are kept. After that, an
 * entry is shown once: {@code accounted} holds, per channel, the newest channelSeq
 * already shown or counted, and older events are dropped.
 *
 * <p>Locking: every method is synchronized on the view (the client's event thread, the
 * input thread and the status ticker all call in). The view calls the screen while
 * holding its lock; the screen takes the line reader's lock; nothing that holds the
 * reader's lock calls the view (completion asks the client), so locks are always taken
 * in that order.
 */
final class ChatView {

    /** How many entries /join shows of a channel's history. */
    static final int RECENT = 20;
    /** The client has emitted Ready when login returns; its event thread delivers it at once. */
    private static final Duration READY_WAIT = Duration.ofSeconds(5);

    private final Screen screen;
    private final LineFormat format;
    private final Clock clock;
    private final String me;
    private ChatClient client;
    private boolean ready;
    private boolean started;
    /** Volatile as well, for {@link #currentNow}; written only under the lock. */
    private volatile String current;
    /**
     * The day of the last date line shown: a line of another day (an older one in a
     * channel's history, or a new day) brings a new date line, the same day does not, even
     * after /join or /history.
     */
    private LocalDate lastDay;
    private final Map<String, Long> accounted = new HashMap<>();
    private final Map<String, Integer> unread = new TreeMap<>();
    private final List<Alarm> early = new ArrayList<>();
    private int unseenAlarms;
    private StatusLine.Connection connection = new StatusLine.Connection.Online();
    private final Notifier notifier;
    /**
     * While paging back through the current channel (PageUp): the oldest and newest entry
     * shown; null when the window follows the channel live. Entries of the current channel
     * that arrive meanwhile are counted in {@link #below}, not shown, and shown when the
     * pages reach the end again.
     */
    private long[] page;
    private int below;

    ChatView(Screen screen, LineFormat format, Clock clock, String me) {
        this.screen = screen;
        this.format = format;
        this.clock = clock;
        this.me = me;
        this.notifier = new Notifier(format.mentions());
    }

    // ------------------------------------------------------------------ events

    synchronized void accept(ClientEvent event) {
        switch (event) {
            case ClientEvent.Ready r -> {
                ready = true;
                notifyAll();
            }
            case ClientEvent.MessageReceived m -> {
                if (!started || !fresh(m.channel(), m.seq())) {
                    return;
                }
                alert(m);
                if (m.channel().equals(current) && page != null) {
                    below++;
                    refresh();
                } else if (m.channel().equals(current)) {
                    dayBreak(m.timestamp());
                    screen.show(format.message(m.from(), m.text(), m.timestamp(), m.mine()));
                } else {
                    screen.show(format.elsewhere(m.channel(), m.from(), m.text(), m.timestamp()));
                    if (!m.mine()) {
                        unread.merge(m.channel(), 1, Integer::sum);
                        refresh();
                    }
                }
            }
            case ClientEvent.MemberAdded a -> {
                if (!started || !fresh(a.channel(), a.seq())) {
                    return;
                }
                boolean here = a.channel().equals(current);
                if (here && page != null) {
                    below++;
                    refresh();
                    return;
                }
                boolean invitedMe = !here && a.user().equals(me) && !a.by().equals(me);
                if (invitedMe && current == null && channel(a.channel()).isPresent()) {
                    enter(a.channel(), RECENT); // in no channel yet: the invitation is where to be
                    return;
                }
                if (here) {
                    dayBreak(a.timestamp());
                }
                screen.show(format.joined(a.channel(), a.user(), a.by(), a.timestamp(), !here));
                if (invitedMe) {
                    screen.show(format.hint("   /join " + a.channel() + " to switch to it"));
                }
                if (a.user().equals(me)) {
                    refresh(); // a new channel of ours: the numbers in the status bar change
                }
            }
            case ClientEvent.MemberChanged m -> {
                if (!started || !fresh(m.channel(), m.seq())) {
                    return;
                }
                boolean here = m.channel().equals(current);
                if (here && page != null && !m.user().equals(me)) {
                    below++;
                    refresh();
                    return;
                }
                if (here) {
                    dayBreak(m.timestamp());
                }
                if (m.user().equals(me) && m.change() != HistoryItem.Change.ADMIN) {
                    screen.show(format.removedYou(m.channel(), m.by(), m.change() == HistoryItem.Change.LEFT));
                } else {
                    screen.show(format.memberChanged(m.channel(), m.user(), m.by(), m.change(), m.timestamp(), !here));
                }
            }
            case ClientEvent.Rotated r -> {
                if (!started || !fresh(r.channel(), r.seq()) || !r.channel().equals(current)) {
                    return; // a rotation elsewhere is not news
                }
                if (page != null) {
                    below++;
                    refresh();
                    return;
                }
                dayBreak(r.timestamp());
                screen.show(format.rotated(r.channel(), r.by(), r.epoch(), r.timestamp(), false));
            }
            case ClientEvent.HistoryExpired x -> {
                if (!started || !fresh(x.channel(), x.toSeq()) || !x.channel().equals(current)) {
                    return; // shown with the channel's history when it is opened
                }
                dayBreak(x.timestamp());
                screen.show(format.expired(x.count(), x.timestamp()));
            }
            case ClientEvent.AlarmRaised a -> {
                if (!started) {
                    early.add(a.alarm());
                    return;
                }
                screen.show(format.alarm(a.alarm()));
                unseenAlarms++;
                refresh();
            }
            case ClientEvent.Connecting c -> {
                // the login screen said "connecting to"; what follows shows a slow or silent server as such
                switch (c.stage()) {
                    case CONNECTING -> { }
                    case LOGGING_IN -> screen.show(format.hint("Connected; waiting for the server to accept the login..."));
                    case CATCHING_UP -> screen.show(format.hint("Logged in; catching up..."));
                }
            }
            case ClientEvent.Disconnected d -> {
                boolean wasOnline = connection instanceof StatusLine.Connection.Online;
                connection = new StatusLine.Connection.Offline(d.reason(), clock.instant().plus(d.retryIn()));
                if (started && wasOnline) {
                    screen.show(format.notice("connection lost: " + withoutCode(d.reason()) + "; reconnecting"));
                }
                refresh();
            }
            case ClientEvent.Reconnected r -> {
                connection = new StatusLine.Connection.Online();
                if (started) {
                    int queued = client.pendingCount();
                    screen.show(format.notice(queued == 0 ? "reconnected"
                            : "reconnected; sending " + queued + " queued " + plural(queued, "command")));
                }
                refresh();
            }
            case ClientEvent.ConnectionFailed f -> {
                connection = new StatusLine.Connection.Failed(f.reason());
                screen.showError(format.error("Stopped reconnecting: " + withoutCode(f.reason())
                        + ". Messages stay queued; leave with /quit and check the server."));
                refresh();
            }
            case ClientEvent.PresenceChanged p -> {
                // shown by /who; a line per coming and going would drown the conversation
            }
            case ClientEvent.ServerNotice n -> screen.show(format.notice("server: " + n.message()));
            case ClientEvent.StateRepaired r -> screen.showError(format.error("Your local state was damaged and"
                    + " repaired: " + r.detail() + "."));
            case ClientEvent.DirectoryChanged d -> {
                if (started) {
                    List<String> parts = new java.util.ArrayList<>();
                    if (!d.added().isEmpty()) {
                        parts.add("added " + String.join(", ", d.added()));
                    }
                    if (!d.revoked().isEmpty()) {
                        parts.add("removed " + String.join(", ", d.revoked()) + " (their keys no longer log in)");
                    }
                    screen.show(format.notice("directory version " + d.version() + ": " + String.join("; ", parts)));
                }
            }
        }
    }

    /** A bell and a desktop notification for a live message that calls for attention (see {@link Notifier}). */
    private void alert(ClientEvent.MessageReceived m) {
        switch (notifier.decide(m.channel(), m.text(), m.mine(), current)) {
            case NONE -> { }
            case MENTION -> screen.alert(m.from() + " mentioned you in #" + m.channel(), m.text());
            case ELSEWHERE -> screen.alert(m.from() + " in #" + m.channel(), m.text());
        }
    }

    synchronized Notifier.Mode notifyMode() {
        return notifier.mode();
    }

    /** /notify MODE: says what rings from now on. */
    synchronized void notifyMode(Notifier.Mode mode) {
        notifier.mode(mode);
        screen.show(format.info(switch (mode) {
            case ON -> "Notifications on: a bell (and a desktop notification where the terminal shows them) for"
                    + " messages that mention you and for messages in channels you are not looking at.";
            case MENTIONS -> "Notifications for mentions only: a bell (and a desktop notification where the terminal"
                    + " shows them) when someone writes " + me + " or @" + me + ".";
            case OFF -> "Notifications off: no bell and no desktop notification; mentions stay highlighted.";
        }));
    }

    /** "the server is shutting down (shuttingDown)": the protocol's code is for programs, not people. */
    static String withoutCode(String reason) {
        return reason.replaceFirst("\\s*\\([a-z]+[A-Z][A-Za-z]*\\)$", "");
    }

    private boolean fresh(String channel, long seq) {
        if (seq <= accounted.getOrDefault(channel, 0L)) {
            return false;
        }
        accounted.put(channel, seq);
        return true;
    }

    private void dayBreak(Instant at) {
        LocalDate day = format.day(at);
        if (!day.equals(lastDay)) {
            screen.show(format.dayLine(day));
            lastDay = day;
        }
    }

    // ------------------------------------------------------------------ after login

    /**
     * Login and replay are done: shows the channels, enters the most recently active one,
     * shows the alarms of the replay. Waits (a little) for the replay's events to have
     * come through, so that its alarms are shown here, in order.
     */
    synchronized void start(ChatClient chat) throws InterruptedException {
        long deadline = System.nanoTime() + READY_WAIT.toNanos();
        while (!ready && System.nanoTime() < deadline) {
            TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
        }
        this.client = chat;
        List<ChannelInfo> channels = chat.channels();
        for (ChannelInfo c : channels) {
            accounted.put(c.name(), c.lastSeq());
            if (c.unread() > 0) {
                unread.put(c.name(), c.unread());
            }
        }
        started = true;
        if (channels.isEmpty()) {
            screen.show(format.info("You have no channels yet."));
            screen.show(format.hint("/create NAME starts a channel (or wait for an invitation); /help lists commands."));
        } else {
            listChannels();
        }
        mostRecent(channels).ifPresent(c -> enter(c, RECENT));
        for (Alarm a : early) {
            screen.show(format.alarm(a));
        }
        unseenAlarms += early.size();
        early.clear();
        refresh();
    }

    private Optional<String> mostRecent(List<ChannelInfo> channels) {
        Map<String, Instant> last = new HashMap<>();
        for (ChannelInfo c : channels) {
            try {
                List<HistoryItem> newest = client.history(c.name(), 1);
                last.put(c.name(), newest.isEmpty() ? Instant.MIN : newest.get(0).timestamp());
            } catch (CommandException e) {
                last.put(c.name(), Instant.MIN);
            }
        }
        return last.entrySet().stream().max(Map.Entry.<String, Instant>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder()))).map(Map.Entry::getKey);
    }

    // ------------------------------------------------------------------ commands

    synchronized String current() {
        return current;
    }

    /** The current channel without waiting for the lock: for completion, which must not take it. */
    String currentNow() {
        return current;
    }

    /** Whether this device knows {@code channel} (it is a member, or was). */
    synchronized Optional<ChannelInfo> channel(String name) {
        return client.channels().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Switches to {@code channel}: its members, its last {@code limit} entries, marked read. */
    synchronized void enter(String channel, int limit) {
        ChannelInfo info = channel(channel).orElse(null);
        if (info == null && channel.equals(current)) {
            screen.show(format.info("#" + channel + " is being created: the server has not confirmed it yet."));
            return;
        }
        if (info == null) {
            screen.showError(format.error("You have no channel #" + channel + ". /channels lists yours."));
            return;
        }
        if (current != null && !current.equals(channel)) {
            client.markRead(current);
        }
        if (page != null) {
            page = null;
            below = 0;
            screen.clear();
            lastDay = null;
        }
        current = channel;
        unread.remove(channel);
        screen.show(format.header("#" + channel + "  " + members(info)));
        List<HistoryItem> items = history(channel, limit);
        long earlier = items.isEmpty() ? info.lastSeq() : items.get(0).seq() - 1;
        if (earlier > 0) {
            screen.show(format.hint("(" + earlier + " earlier " + plural(earlier, "entry", "entries")
                    + ": /history shows them all)"));
        }
        items.forEach(this::showEntry);
        long last = items.isEmpty() ? 0 : items.get(items.size() - 1).seq();
        accounted.merge(channel, Math.max(last, info.lastSeq()), Math::max);
        client.markRead(channel);
        refresh();
    }

    /**
     * A channel being created becomes the current one at once, so its creation and what is
     * typed next show there; returns the channel that was current before.
     */
    synchronized String enterNew(String channel) {
        String before = current;
        if (current != null) {
            client.markRead(current);
        }
        current = channel;
        refresh();
        return before;
    }

    /** The creation of {@code channel} was refused: back to where we were. */
    synchronized void leaveNew(String channel, String before) {
        if (channel.equals(current)) {
            current = before;
            refresh();
        }
    }

    synchronized void showHistory(int limit) {
        if (current == null) {
            screen.showError(format.error("You are not in a channel. /join NAME or /create NAME first."));
            return;
        }
        if (channel(current).isEmpty()) {
            screen.show(format.info("#" + current + " is being created: the server has not confirmed it yet."));
            return;
        }
        List<HistoryItem> items = history(current, limit);
        screen.show(format.header("History of #" + current + ": " + items.size() + " "
                + plural(items.size(), "entry", "entries")));
        items.forEach(this::showEntry);
        client.markRead(current);
    }

    private List<HistoryItem> history(String channel, int limit) {
        try {
            return client.history(channel, limit);
        } catch (CommandException e) {
            screen.showError(format.error(Refusal.explain(e, channel, null)));
            return List.of();
        }
    }

    private void showEntry(HistoryItem item) {
        dayBreak(item.timestamp());
        screen.show(switch (item) {
            case HistoryItem.Text t -> format.message(t.author(), t.text(), t.timestamp(), t.mine());
            case HistoryItem.Joined j -> format.joined(current, j.member(), j.author(), j.timestamp(), false);
            case HistoryItem.MemberChanged m -> format.memberChanged(current, m.member(), m.author(), m.change(),
                    m.timestamp(), false);
            case HistoryItem.Rotated r -> format.rotated(current, r.author(), r.epoch(), r.timestamp(), false);
            case HistoryItem.Expired x -> format.expired(x.count(), x.timestamp());
        });
    }

    /** Each channel's number, 1 up, in the order /channels lists them (by name). */
    private Map<String, Integer> numbers() {
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        for (ChannelInfo c : client.channels()) {
            out.put(c.name(), out.size() + 1);
        }
        return out;
    }

    /** /1../9, /win N, Alt-1..Alt-9: switches to channel number {@code n}. */
    synchronized void enterNumber(int n) {
        if (!started) {
            return;
        }
        List<ChannelInfo> channels = client.channels();
        if (n < 1 || n > channels.size()) {
            screen.showError(format.error(channels.isEmpty() ? "You have no channels yet: /create NAME starts one."
                    : "There is no channel " + n + ": you have " + channels.size() + " "
                    + plural(channels.size(), "channel") + " (/channels lists them with their numbers)."));
            return;
        }
        String name = channels.get(n - 1).name();
        if (name.equals(current) && page == null) {
            return;
        }
        enter(name, RECENT);
    }

    /** /clear: empties the window; the channel stays as it is (/history shows it again). */
    synchronized void clearWindow() {
        page = null;
        below = 0;
        screen.clear();
        lastDay = null;
        refresh();
    }

    /** How many results /search shows at most: the newest. */
    static final int SEARCH_SHOWN = 100;

    /** /search TEXT: the messages on this device that contain TEXT, oldest first, with channel, time and author. */
    synchronized void search(String text) {
        List<ChatClient.SearchHit> hits = client.search(text, SEARCH_SHOWN + 1);
        if (hits.isEmpty()) {
            screen.show(format.info("No message on this device contains \"" + text + "\"."));
            return;
        }
        boolean more = hits.size() > SEARCH_SHOWN;
        List<ChatClient.SearchHit> shown = more ? hits.subList(hits.size() - SEARCH_SHOWN, hits.size()) : hits;
        screen.show(format.header((more ? "The newest " + SEARCH_SHOWN + " messages" : shown.size() + " "
                + plural(shown.size(), "message")) + " on this device " + (shown.size() == 1 && !more ? "contains" : "contain")
                + " \"" + text + "\" (searched here only: the server learns nothing):"));
        for (ChatClient.SearchHit h : shown) {
            screen.show(format.found(h.channel(), h.item().author(), h.item().text(), h.item().timestamp(), text));
        }
    }

    /** /who: the members of the current channel, each marked online or not, admins too. */
    synchronized void who() {
        if (current == null) {
            screen.showError(format.error("You are not in a channel. /join NAME or /create NAME first."));
            return;
        }
        ChannelInfo c = channel(current).orElse(null);
        if (c == null) {
            screen.show(format.info("#" + current + " is being created: the server has not confirmed it yet."));
            return;
        }
        java.util.Set<String> online = new java.util.HashSet<>(client.online());
        if (client.connected()) {
            online.add(me);
        }
        long here = c.members().stream().filter(online::contains).count();
        screen.show(format.header("#" + c.name() + ": " + c.members().size() + " " + plural(c.members().size(), "member")
                + (client.connected() ? ", " + here + " online now" : " (you are offline: who is online is not known)")));
        int width = c.members().stream().mapToInt(m -> m.length() + (m.equals(me) ? 6 : 0)).max().orElse(0);
        for (String m : c.members()) {
            String marks = (online.contains(m) ? "online" : "") + (c.isAdmin(m) ? (online.contains(m) ? ", " : "") + "admin" : "");
            screen.show(format.info(("  " + padded(m.equals(me) ? m + " (you)" : m, width) + "  " + marks).stripTrailing()));
        }
        if (!c.active()) {
            screen.show(format.hint("(you are no longer a member: read-only history)"));
        }
    }

    /** How many entries a page holds: what fits above the input line, less the page's header. */
    private int pageSize() {
        return Math.max(3, (screen.rows() == 0 ? 24 : screen.rows()) - 2);
    }

    /**
     * PageUp: the page of the current channel's history before what is shown, read from
     * this device's disk a page at a time (never the whole history).
     */
    synchronized void pageUp() {
        if (!started || current == null || channel(current).isEmpty()) {
            return;
        }
        long before = page == null ? Long.MAX_VALUE : page[0];
        if (page == null) {
            List<HistoryItem> onScreen = history(current, pageSize());
            before = onScreen.isEmpty() ? 1 : onScreen.get(0).seq();
        }
        List<HistoryItem> items = older(current, before, pageSize());
        if (items.isEmpty()) {
            if (page != null) {
                screen.show(format.hint("(the beginning of #" + current + ")"));
            }
            return;
        }
        showPage(items);
    }

    /** PageDown: the next page; past the newest entry the window follows the channel again. */
    synchronized void pageDown() {
        if (!started || current == null || page == null) {
            return;
        }
        long newest = channel(current).map(ChannelInfo::lastSeq).orElse(0L);
        long end = page[1] + pageSize();
        if (end >= newest) {
            live();
            return;
        }
        showPage(older(current, end + 1, pageSize()));
    }

    /** Back to following the channel (after paging): its recent entries under a clean window. */
    synchronized void live() {
        if (page == null) {
            return;
        }
        page = null;
        below = 0;
        screen.clear();
        lastDay = null;
        enter(current, Math.max(1, Math.min(RECENT, screen.rows() - 3)));
    }

    synchronized boolean paging() {
        return page != null;
    }

    private void showPage(List<HistoryItem> items) {
        page = new long[] {items.get(0).seq(), items.get(items.size() - 1).seq()};
        screen.clear();
        lastDay = null;
        long total = channel(current).map(ChannelInfo::lastSeq).orElse(0L);
        screen.show(format.hint("(#" + current + ", entries " + page[0] + "-" + page[1] + " of " + total
                + "; PageUp: older, PageDown: newer)"));
        items.forEach(this::showEntry);
        refresh();
    }

    private List<HistoryItem> older(String channel, long before, int limit) {
        try {
            return client.historyBefore(channel, before, limit);
        } catch (CommandException e) {
            screen.showError(format.error(Refusal.explain(e, channel, null)));
            return List.of();
        }
    }

    synchronized void listChannels() {
        List<ChannelInfo> channels = client.channels();
        boolean creating = current != null && channels.stream().noneMatch(c -> c.name().equals(current));
        if (channels.isEmpty() && !creating) {
            screen.show(format.info("You have no channels yet: /create NAME starts one."));
            return;
        }
        screen.show(format.header("Your channels:"));
        int width = Math.max(channels.stream().mapToInt(c -> c.name().length()).max().orElse(0),
                creating ? current.length() : 0) + 1;
        int digits = String.valueOf(channels.size()).length();
        int number = 0;
        for (ChannelInfo c : channels) {
            number++;
            int count = c.name().equals(current) ? 0 : unread.getOrDefault(c.name(), c.unread());
            String line = (c.name().equals(current) ? " * " : "   ") + padded(String.valueOf(number), digits) + " "
                    + padded("#" + c.name(), width) + "  "
                    + c.members().size() + " " + plural(c.members().size(), "member")
                    + (count > 0 ? ", " + count + " unread" : "") + (c.name().equals(current) ? "  (current)" : "");
            screen.show(format.info(line));
        }
        if (creating) {
            screen.show(format.info(" * " + (channels.isEmpty() ? "" : " ".repeat(digits + 1)) + padded("#" + current, width)
                    + "  being created  (current)"));
        }
    }

    synchronized void listMembers() {
        if (current == null) {
            screen.showError(format.error("You are not in a channel. /join NAME or /create NAME first."));
            return;
        }
        channel(current).ifPresentOrElse(c -> screen.show(format.info("#" + current + ": " + members(c))),
                () -> screen.show(format.info("#" + current + " is being created: the server has not confirmed it"
                        + " yet.")));
    }

    /** /whois and /verify: the user's fingerprint, since when, verified or not (after recording it, for /verify). */
    synchronized void whois(String user, boolean verify) {
        chat.client.Whois w;
        try {
            w = verify ? client.verify(user) : client.whois(user);
        } catch (chat.client.CommandException e) {
            screen.showError(format.error(e.getMessage()));
            return;
        }
        java.time.format.DateTimeFormatter day = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
                .withZone(java.time.ZoneId.systemDefault());
        screen.show(format.info(w.user() + "  " + w.fingerprint()));
        screen.show(format.info("  key in the directory since version " + w.since() + " (" + day.format(w.sinceAt()) + ")"
                + (w.keyChanges() > 0 ? "; it replaced " + w.keyChanges() + " earlier " + plural(w.keyChanges(), "key") : "")));
        if (w.revoked()) {
            screen.show(format.error(w.user() + "'s key was revoked in directory version " + w.revokedIn() + " ("
                    + day.format(w.revokedAt()) + "): it no longer logs in"));
        } else if (w.verified()) {
            screen.show(format.info(verify ? "  marked verified: you compared this fingerprint with " + w.user()
                    : "  verified: you compared this fingerprint with " + w.user()));
        } else {
            screen.show(format.hint("  not verified: compare the fingerprint with " + w.user()
                    + " (in person or by phone), then /verify " + w.user()));
        }
    }

    synchronized void listAlarms() {
        List<Alarm> alarms = client.alarms();
        if (alarms.isEmpty()) {
            screen.show(format.info("No alarms: nothing suspicious has happened since you logged in."));
        } else {
            screen.show(format.header(alarms.size() + " " + plural(alarms.size(), "alarm")
                    + " since you logged in (each is evidence that the server or a member misbehaved):"));
            alarms.forEach(a -> screen.show(format.alarm(a)));
        }
        unseenAlarms = 0;
        refresh();
    }

    synchronized void tell(AttributedString line) {
        screen.show(line);
    }

    synchronized void complain(String sentence) {
        screen.showError(format.error(sentence));
    }

    synchronized void markRead() {
        if (current != null && client != null) {
            client.markRead(current);
        }
    }

    /**
     * The window changed its size: it is cleared and the current channel's recent entries
     * drawn again, wrapped at the new width, under a fresh status bar (after a resize the
     * terminal leaves the cursor anywhere, often below the status bar's scroll region,
     * where nothing new would show).
     */
    synchronized void redraw() {
        if (!started) {
            return;
        }
        page = null;
        below = 0;
        screen.clear();
        lastDay = null; // the window no longer shows it
        if (current != null && channel(current).isPresent()) {
            enter(current, Math.max(1, Math.min(RECENT, screen.rows() - 3)));
        } else {
            refresh();
        }
    }

    /** Redraws the status bar and the prompt; the ticker calls it while offline to count down. */
    synchronized void refresh() {
        if (!started) {
            return; // the login screen has no status bar; start() draws the first one
        }
        String scrolled = page == null ? null : "scrolled back" + (below > 0 ? ", " + below + " new below" : "")
                + ": PageDown";
        StatusLine line = new StatusLine(me, current, unread, unseenAlarms, connection,
                client == null ? Map.of() : numbers(), scrolled);
        Instant now = clock.instant();
        if (screen.hasStatus()) {
            screen.status(line.bar(now));
        }
        screen.prompt(line.prompt(!screen.hasStatus(), now));
    }

    synchronized boolean online() {
        return connection instanceof StatusLine.Connection.Online;
    }

    /** The client stopped reconnecting: nothing more will be acknowledged in this run. */
    synchronized boolean gaveUp() {
        return connection instanceof StatusLine.Connection.Failed;
    }

    private String members(ChannelInfo c) {
        List<String> names = c.members().stream()
                .map(m -> (c.isAdmin(m) ? "*" : "") + (m.equals(me) ? m + " (you)" : m)).toList();
        String list = c.members().size() + " " + plural(c.members().size(), "member") + ": " + String.join(", ", names);
        return c.active() ? list : list + " (you are no longer a member: read-only history)";
    }

    private static String padded(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    static String plural(long n, String one) {
        return plural(n, one, one + "s");
    }

    static String plural(long n, String one, String many) {
        return n == 1 ? one : many;
    }
}
