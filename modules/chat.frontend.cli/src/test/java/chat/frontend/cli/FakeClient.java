package chat.frontend.cli;

import chat.client.Alarm;
import chat.client.ChannelInfo;
import chat.client.ChatClient;
import chat.client.ClientEvent;
import chat.client.CommandException;
import chat.client.HistoryItem;
import chat.crypto.AgreementKeyPair;
import chat.crypto.SigningKeyPair;
import chat.protocol.ErrorCode;
import chat.protocol.identity.Directory;
import chat.protocol.identity.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A client without a server, behaving as the real one does towards a frontend: events in
 * order on one thread of their own, and a command's future completed on that thread after
 * the event it causes (the echo). Tests make other people act with {@link #deliver} etc.
 */
final class FakeClient implements ChatClient {

    private static final Map<String, Principal> KEYS = new LinkedHashMap<>();

    private final String me;
    private final Consumer<ClientEvent> listener;
    private final Clock clock;
    private final Directory directory;
    private final ExecutorService events = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fake-client-events");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, List<HistoryItem>> histories = new LinkedHashMap<>();
    private final Map<String, List<String>> members = new LinkedHashMap<>();
    private final Map<String, Long> read = new LinkedHashMap<>();
    private final List<Alarm> alarms = new ArrayList<>();
    private final List<String> sent = new ArrayList<>();
    private boolean connected = true;
    private boolean holdAcks;
    private final List<Runnable> held = new ArrayList<>();
    volatile boolean closed;

    FakeClient(String me, List<String> users, Consumer<ClientEvent> listener, Clock clock) {
        this.me = me;
        this.listener = listener;
        this.clock = clock;
        Map<String, Principal> directoryUsers = new LinkedHashMap<>();
        for (String u : users) {
            directoryUsers.put(u, principal(u));
        }
        this.directory = new Directory(principal("server"), directoryUsers);
    }

    private static synchronized Principal principal(String name) {
        return KEYS.computeIfAbsent(name, n -> new Principal(n, SigningKeyPair.generate().publicKey(),
                AgreementKeyPair.generate().publicKey()));
    }

    // ------------------------------------------------------------------ what others do

    /** Someone else created {@code channel} and added us: all of it arrives. */
    synchronized void channelFrom(String creator, String channel, List<String> others) {
        histories.put(channel, new ArrayList<>());
        members.put(channel, new ArrayList<>());
        append(channel, creator, creator);
        for (String u : others) {
            append(channel, u, creator);
        }
    }

    synchronized void deliver(String channel, String from, String text) {
        List<HistoryItem> h = histories.get(channel);
        HistoryItem.Text item = new HistoryItem.Text(h.size() + 1, clock.instant(), from, text, from.equals(me));
        h.add(item);
        emit(new ClientEvent.MessageReceived(channel, from, text, item.seq(), item.timestamp(), item.mine(), null));
    }

    synchronized void raise(Alarm alarm) {
        alarms.add(alarm);
        emit(new ClientEvent.AlarmRaised(alarm));
    }

    synchronized void disconnect(String reason, Duration retryIn) {
        connected = false;
        emit(new ClientEvent.Disconnected(reason, retryIn));
    }

    synchronized void reconnect() {
        connected = true;
        emit(new ClientEvent.Reconnected("127.0.0.1:8989"));
        releaseHeld();
    }

    /** While held, commands are queued and answered only at {@link #releaseHeld}, as when offline. */
    synchronized void holdAcknowledgements(boolean hold) {
        holdAcks = hold;
    }

    synchronized void releaseHeld() {
        holdAcks = false;
        held.forEach(Runnable::run);
        held.clear();
    }

    synchronized List<String> sent() {
        return List.copyOf(sent);
    }

    void ready() {
        emit(new ClientEvent.Ready(me));
    }

    /** Waits until every event so far has been handed to the listener. */
    void flush() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        events.execute(done::countDown);
        done.await(10, TimeUnit.SECONDS);
    }

    private void append(String channel, String member, String by) {
        List<HistoryItem> h = histories.get(channel);
        HistoryItem.Joined item = new HistoryItem.Joined(h.size() + 1, clock.instant(), by, member);
        h.add(item);
        members.get(channel).add(member);
        emit(new ClientEvent.MemberAdded(channel, member, by, item.seq(), item.timestamp(), null));
    }

    private void emit(ClientEvent event) {
        events.execute(() -> listener.accept(event));
    }

    // ------------------------------------------------------------------ ChatClient

    @Override
    public String user() {
        return me;
    }

    @Override
    public Directory directory() {
        return directory;
    }

    private final java.util.Set<String> verified = new java.util.HashSet<>();

    @Override
    public long directoryVersion() {
        return 1;
    }

    @Override
    public synchronized chat.client.Whois whois(String user) throws CommandException {
        Principal p = directory.user(user).orElseThrow(() -> CommandException.local("there is no user " + user
                + " in the directory (version 1)"));
        return new chat.client.Whois(user, p.fingerprint(), 1, Instant.EPOCH, null, null, verified.contains(user), 0, 1);
    }

    @Override
    public synchronized chat.client.Whois verify(String user) throws CommandException {
        whois(user);
        verified.add(user);
        return whois(user);
    }

    @Override
    public synchronized CompletableFuture<Long> createChannel(String channel, String tag) {
        if (histories.containsKey(channel)) {
            return CompletableFuture.failedFuture(new CommandException(ErrorCode.CHANNEL_EXISTS, "channel " + channel
                    + " exists already"));
        }
        return acknowledged(() -> {
            histories.put(channel, new ArrayList<>());
            members.put(channel, new ArrayList<>());
            append(channel, me, me);
            return 1L;
        });
    }

    @Override
    public synchronized CompletableFuture<Long> invite(String channel, String user, String tag) {
        if (!histories.containsKey(channel)) {
            return CompletableFuture.failedFuture(new CommandException(ErrorCode.NO_SUCH_CHANNEL, "you have no channel " + channel));
        }
        if (directory.user(user).isEmpty()) {
            return CompletableFuture.failedFuture(new CommandException(ErrorCode.UNKNOWN_INVITEE, "there is no user " + user
                    + " in the directory"));
        }
        if (members.get(channel).contains(user)) {
            return CompletableFuture.failedFuture(new CommandException(ErrorCode.ALREADY_MEMBER, user + " is a member of "
                    + channel + " already"));
        }
        return acknowledged(() -> {
            append(channel, user, me);
            return (long) histories.get(channel).size();
        });
    }

    @Override
    public synchronized CompletableFuture<Long> send(String channel, String text, String tag) {
        if (!histories.containsKey(channel)) {
            return CompletableFuture.failedFuture(new CommandException(ErrorCode.NO_SUCH_CHANNEL, "you have no channel " + channel));
        }
        sent.add(channel + ":" + text);
        return acknowledged(() -> {
            deliver(channel, me, text);
            return (long) histories.get(channel).size();
        });
    }

    @Override
    public synchronized CompletableFuture<Long> leave(String channel, String tag) {
        return change(channel, me, HistoryItem.Change.LEFT);
    }

    @Override
    public synchronized CompletableFuture<Long> remove(String channel, String user, String tag) {
        return change(channel, user, HistoryItem.Change.REMOVED);
    }

    @Override
    public synchronized CompletableFuture<Long> makeAdmin(String channel, String user, String tag) {
        return change(channel, user, HistoryItem.Change.ADMIN);
    }

    @Override
    public synchronized CompletableFuture<Long> rotate(String channel, String tag) {
        if (!histories.containsKey(channel)) {
            return CompletableFuture.failedFuture(new CommandException(ErrorCode.NO_SUCH_CHANNEL, "you have no channel " + channel));
        }
        return acknowledged(() -> {
            List<HistoryItem> h = histories.get(channel);
            long epoch = h.stream().filter(i -> i instanceof HistoryItem.Rotated).count() + 1;
            HistoryItem.Rotated item = new HistoryItem.Rotated(h.size() + 1, clock.instant(), me, epoch);
            h.add(item);
            emit(new ClientEvent.Rotated(channel, me, epoch, item.seq(), item.timestamp(), null));
            return item.seq();
        });
    }

    /** A member change by this user, as the real client would show it (no admin rules here). */
    private CompletableFuture<Long> change(String channel, String user, HistoryItem.Change change) {
        if (!histories.containsKey(channel)) {
            return CompletableFuture.failedFuture(new CommandException(ErrorCode.NO_SUCH_CHANNEL, "you have no channel " + channel));
        }
        if (!members.get(channel).contains(user)) {
            return CompletableFuture.failedFuture(new CommandException(ErrorCode.BAD_SUBJECT, "channel " + channel + " has no member " + user));
        }
        return acknowledged(() -> {
            List<HistoryItem> h = histories.get(channel);
            HistoryItem.MemberChanged item = new HistoryItem.MemberChanged(h.size() + 1, clock.instant(), me, user, change);
            h.add(item);
            if (change != HistoryItem.Change.ADMIN) {
                members.get(channel).remove(user);
            }
            emit(new ClientEvent.MemberChanged(channel, user, me, change, item.seq(), item.timestamp(), null));
            return item.seq();
        });
    }

    /** Applies the command (emitting its event) and completes the future after that event, on the event thread. */
    private CompletableFuture<Long> acknowledged(java.util.function.Supplier<Long> apply) {
        CompletableFuture<Long> future = new CompletableFuture<>();
        Runnable answer = () -> {
            long seq = apply.get();
            events.execute(() -> future.complete(seq));
        };
        if (holdAcks) {
            held.add(answer);
        } else {
            answer.run();
        }
        return future;
    }

    @Override
    public synchronized List<ChannelInfo> channels() {
        List<ChannelInfo> out = new ArrayList<>();
        histories.forEach((name, h) -> {
            long readUpTo = read.getOrDefault(name, 0L);
            int unread = (int) h.stream().filter(i -> i instanceof HistoryItem.Text t && !t.mine() && t.seq() > readUpTo)
                    .count();
            out.add(new ChannelInfo(name, members.get(name), unread, h.size()));
        });
        return out;
    }

    @Override
    public synchronized List<HistoryItem> history(String channel, int limit) throws CommandException {
        List<HistoryItem> h = histories.get(channel);
        if (h == null) {
            throw new CommandException(ErrorCode.NO_SUCH_CHANNEL, "you have no channel " + channel);
        }
        int from = limit <= 0 ? 0 : Math.max(0, h.size() - limit);
        return List.copyOf(h.subList(from, h.size()));
    }

    @Override
    public synchronized List<HistoryItem> historyBefore(String channel, long beforeSeq, int limit)
            throws CommandException {
        List<HistoryItem> older = history(channel, 0).stream().filter(i -> i.seq() < beforeSeq).toList();
        int from = limit <= 0 ? 0 : Math.max(0, older.size() - limit);
        return List.copyOf(older.subList(from, older.size()));
    }

    @Override
    public synchronized List<SearchHit> search(String text, int limit) {
        List<SearchHit> hits = new ArrayList<>();
        histories.forEach((name, h) -> h.stream()
                .filter(i -> i instanceof HistoryItem.Text t && t.text().toLowerCase(java.util.Locale.ROOT)
                        .contains(text.toLowerCase(java.util.Locale.ROOT)))
                .forEach(i -> hits.add(new SearchHit(name, (HistoryItem.Text) i))));
        hits.sort(java.util.Comparator.comparing((SearchHit x) -> x.item().timestamp()));
        return limit > 0 && hits.size() > limit ? List.copyOf(hits.subList(hits.size() - limit, hits.size())) : hits;
    }

    /** Who the fake server reports online. */
    final java.util.Set<String> online = new java.util.concurrent.ConcurrentSkipListSet<>();

    @Override
    public java.util.Set<String> online() {
        return java.util.Set.copyOf(online);
    }

    @Override
    public synchronized void markRead(String channel) {
        List<HistoryItem> h = histories.get(channel);
        if (h != null) {
            read.put(channel, (long) h.size());
        }
    }

    @Override
    public synchronized boolean connected() {
        return connected;
    }

    @Override
    public synchronized int pendingCount() {
        return held.size();
    }

    @Override
    public boolean awaitPending(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pendingCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        flush();
        return pendingCount() == 0;
    }

    @Override
    public synchronized List<Alarm> alarms() {
        return List.copyOf(alarms);
    }

    @Override
    public void close() {
        closed = true;
        events.shutdown();
        try {
            events.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Instant now() {
        return clock.instant();
    }
}
