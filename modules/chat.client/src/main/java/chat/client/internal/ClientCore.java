package chat.client.internal;

import chat.client.Alarm;
import chat.client.ChannelInfo;
import chat.client.ChatClient;
import chat.client.ClientEvent;
import chat.client.ClientOptions;
import chat.client.CommandException;
import chat.client.HistoryItem;
import chat.client.LoginException;
import chat.crypto.MalformedInputException;
import chat.protocol.AddUser;
import chat.protocol.ChainHash;
import chat.protocol.ChannelCrypto;
import chat.protocol.ChannelHead;
import chat.protocol.Comms;
import chat.protocol.Entries;
import chat.protocol.ErrorCode;
import chat.protocol.ErrorMessage;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.Names;
import chat.protocol.Ping;
import chat.protocol.Pong;
import chat.protocol.ReplayFinished;
import chat.protocol.Sync;
import chat.protocol.View;
import chat.protocol.identity.Directory;
import chat.protocol.identity.IdentityFileException;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.Principal;
import chat.protocol.identity.UserBundle;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The client. Locking rule: every field below is guarded by this object's monitor; the
 * session reader, the commands and the timers all enter through synchronized methods, and
 * events leave through the {@link EventDispatcher}, never while calling the frontend.
 */
public final class ClientCore implements ChatClient, Session.Listener {

    private static final System.Logger LOG = System.getLogger("chat.client");
    /** Longest message text, in UTF-8 bytes; the frame limit leaves room for it with headers. */
    public static final int MAX_TEXT_BYTES = 64 * 1024;

    private final UserBundle bundle;
    private final IdentityKeys me;
    private final Directory directory;
    private final ClientOptions options;
    private final EventDispatcher events;
    private final LocalState state;
    private final MessageCodec codec = new MessageCodec();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chat-client-timer");
        t.setDaemon(true);
        return t;
    });
    private final Map<Long, CompletableFuture<Long>> futures = new HashMap<>();
    private final Map<Long, String> tags = new HashMap<>();
    private final List<Alarm> alarms = new ArrayList<>();
    /**
     * Channels this device does not hold yet whose first delivered entry was rejected: kept
     * for the session (never stored) so that the rest of a bad delivery is judged against
     * the same ledger and a gap is reported once, not once per entry.
     */
    private final Map<String, ChannelLedger> unverified = new HashMap<>();
    private final CountDownLatch firstReplay = new CountDownLatch(1);
    private Session session;
    private boolean ready;
    private boolean closed;
    private String loginFailure;
    private int attempts;
    private boolean fatal;

    private ClientCore(UserBundle bundle, IdentityKeys me, ClientOptions options, EventDispatcher events,
                       LocalState state) {
        this.bundle = bundle;
        this.me = me;
        this.directory = bundle.directory();
        this.options = options;
        this.events = events;
        this.state = state;
    }

    public static ChatClient login(UserBundle bundle, char[] password, ClientOptions options,
                                   Consumer<ClientEvent> listener) throws LoginException {
        IdentityKeys keys;
        try {
            keys = bundle.unlock(password);
        } catch (IdentityFileException e) {
            if (e.reason() == IdentityFileException.Reason.WRONG_PASSWORD) {
                throw new LoginException(LoginException.Reason.WRONG_PASSWORD, "wrong password for " + bundle.user());
            }
            throw new LoginException(LoginException.Reason.LOCAL_STATE, e.getMessage(), e);
        }
        LocalState state;
        try {
            state = LocalState.open(bundle.dir(), keys, bundle.directory());
        } catch (IOException e) {
            keys.destroy();
            throw new LoginException(LoginException.Reason.LOCAL_STATE, "cannot open this device's state in "
                    + bundle.dir().resolve("state") + ": " + e.getMessage(), e);
        }
        EventDispatcher events = new EventDispatcher(listener);
        ClientCore core = new ClientCore(bundle, keys, options, events, state);
        try {
            core.start();
        } catch (LoginException | RuntimeException e) {
            core.close();
            throw e;
        }
        return core;
    }

    private void start() throws LoginException {
        for (PendingOp op : state.pending) {
            futures.put(op.userSeq(), new CompletableFuture<>());
        }
        Session first = Session.open(options, me, directory.server(), codec, this);
        synchronized (this) {
            session = first;
            first.start(); // only now: what it reads must find it installed as the current session
            sendSync(first);
        }
        try {
            if (!firstReplay.await(options.loginTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new LoginException(LoginException.Reason.REFUSED, "the server did not finish the replay within "
                        + options.loginTimeout().toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoginException(LoginException.Reason.UNREACHABLE, "interrupted during login");
        }
        synchronized (this) {
            if (loginFailure != null) {
                throw new LoginException(LoginException.Reason.REFUSED, loginFailure);
            }
        }
        events.emit(new ClientEvent.Ready(me.name()));
        long ping = options.pingInterval().toMillis();
        timer.scheduleAtFixedRate(this::keepAlive, ping, ping, TimeUnit.MILLISECONDS);
    }

    private void sendSync(Session s) {
        Map<String, Long> cursors = new LinkedHashMap<>();
        state.ledgers.forEach((name, ledger) -> cursors.put(name, ledger.lastSeq()));
        s.send(new Sync(cursors));
    }

    // ------------------------------------------------------------------ from the server

    @Override
    public synchronized void received(Session from, Message message, byte[] json) {
        if (from != session || closed) {
            return;
        }
        switch (message) {
            case AddUser a -> entry(a.channelID(), a, json, a.stamp() != null);
            case Comms c -> entry(c.channelID(), c, json, c.stamp() != null);
            case ReplayFinished r -> replayFinished(from, r);
            case ErrorMessage e -> error(e);
            case Ping p -> from.send(new Pong());
            case Pong p -> {
            }
            default -> LOG.log(Level.INFO, "ignored unexpected {0} from the server", message.type());
        }
    }

    private void entry(String channel, Message entry, byte[] received, boolean stamped) {
        if (!stamped) {
            raise(new Alarm(channel, 0, Alarm.Kind.BAD_CREATE, "the server delivered an entry without channelSeq"));
            return;
        }
        // The chain is defined over the RFC 8785 form; re-encoding makes a server's spelling irrelevant.
        byte[] json = codec.encode(entry);
        ChannelLedger ledger = state.ledgers.get(channel);
        boolean fresh = ledger == null;
        if (fresh) {
            ledger = unverified.computeIfAbsent(channel, ChannelLedger::new);
        }
        ChannelLedger.Outcome outcome = ledger.apply(entry, json, directory, me, false);
        switch (outcome) {
            case ChannelLedger.Outcome.Applied applied -> {
                if (fresh) {
                    unverified.remove(channel);
                    state.ledgers.put(channel, ledger);
                }
                try {
                    state.recordEntry(ledger, json);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "could not record an entry locally: {0}", e.toString());
                }
                PendingOp answered = ownPending(entry);
                for (HistoryItem earlier : applied.revealed()) {
                    emit(channel, earlier, null);
                }
                if (applied.item() != null) {
                    emit(channel, applied.item(), answered == null ? null : tags.remove(answered.userSeq()));
                }
                applied.alarms().forEach(this::raise);
                acknowledge(entry, answered, ChannelLedger.seqOf(entry));
            }
            case ChannelLedger.Outcome.Duplicate d -> {
            }
            case ChannelLedger.Outcome.Rejected r -> raise(r.alarm());
        }
    }

    private void emit(String channel, HistoryItem item, String tag) {
        switch (item) {
            case HistoryItem.Text t -> events.emit(new ClientEvent.MessageReceived(channel, t.author(), t.text(), t.seq(),
                    t.timestamp(), t.mine(), tag));
            case HistoryItem.Joined j -> events.emit(new ClientEvent.MemberAdded(channel, j.member(), j.author(), j.seq(),
                    j.timestamp(), tag));
        }
    }

    /**
     * The pending command that {@code entry} is the echo of, or null. Matched on the signed
     * content, not on userSeq alone: another device of ours may have used the same userSeq
     * at the same time, and its entry must not acknowledge ours (ours is then refused as
     * stale and signed again).
     */
    private PendingOp ownPending(Message entry) {
        if (!Entries.author(entry).equals(me.name())) {
            return null;
        }
        long userSeq = entry instanceof AddUser a ? a.userSeq() : ((Comms) entry).userSeq();
        byte[] unstamped = null;
        for (PendingOp op : state.pending) {
            if (op.userSeq() == userSeq) {
                if (unstamped == null) {
                    unstamped = ChannelLedger.unstamped(entry);
                }
                return Arrays.equals(unstamped, op.message()) ? op : null;
            }
        }
        return null;
    }

    private void acknowledge(Message entry, PendingOp op, long channelSeq) {
        if (!Entries.author(entry).equals(me.name())) {
            return;
        }
        long userSeq = entry instanceof AddUser a ? a.userSeq() : ((Comms) entry).userSeq();
        state.lastUserSeq = Math.max(state.lastUserSeq, userSeq);
        if (op == null || !state.pending.remove(op)) {
            return;
        }
        try {
            state.donePending(userSeq);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not update the outbox: {0}", e.toString());
        }
        CompletableFuture<Long> f = futures.remove(userSeq);
        if (f != null) {
            events.run(() -> f.complete(channelSeq));
        }
        notifyAll();
    }

    private void replayFinished(Session from, ReplayFinished r) {
        state.lastUserSeq = Math.max(state.lastUserSeq, r.userSeq());
        for (ChannelLedger ledger : state.ledgers.values()) {
            ChannelHead claimed = r.heads().get(ledger.name);
            if (claimed == null) {
                raise(new Alarm(ledger.name, 0, Alarm.Kind.CHANNEL_WITHHELD, "the server no longer lists channel "
                        + ledger.name + ", which this device holds up to #" + ledger.lastSeq()));
            } else if (claimed.seq() < ledger.lastSeq()) {
                raise(new Alarm(ledger.name, claimed.seq(), Alarm.Kind.SHORTER_HISTORY, "the server claims the channel"
                        + " ends at #" + claimed.seq() + " but this device holds it up to #" + ledger.lastSeq()));
            } else if (claimed.seq() == ledger.lastSeq() && !Arrays.equals(claimed.head(), ledger.head(ledger.lastSeq()))) {
                raise(new Alarm(ledger.name, claimed.seq(), Alarm.Kind.FORK, "the server's chain head at #"
                        + claimed.seq() + " differs from ours: it holds a different history"));
            } else if (claimed.seq() > ledger.lastSeq() && !ledger.problemReported()) {
                raise(new Alarm(ledger.name, ledger.lastSeq() + 1, Alarm.Kind.GAP, "the server claims entries up to #"
                        + claimed.seq() + " but delivered only up to #" + ledger.lastSeq()));
            }
        }
        for (ChannelLedger ledger : state.ledgers.values()) {
            if (!ledger.isMember(me.name())) {
                raise(new Alarm(ledger.name, 0, Alarm.Kind.NOT_MEMBER, "the server delivered channel " + ledger.name
                        + ", of which you are not a member"));
            }
        }
        r.heads().forEach((channel, head) -> {
            // a channel whose delivered entries were rejected has had its alarm already
            if (!state.ledgers.containsKey(channel) && !unverified.containsKey(channel) && head.seq() > 0) {
                raise(new Alarm(channel, 1, Alarm.Kind.GAP, "the server lists channel " + channel
                        + " up to #" + head.seq() + " but delivered none of it"));
            }
        });
        try {
            state.sync();
            state.saveMeta();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not sync local state: {0}", e.toString());
        }
        from.markSynced();
        attempts = 0;
        resendPending(from);
        if (!ready) {
            ready = true;
            firstReplay.countDown();
        } else {
            events.emit(new ClientEvent.Reconnected());
        }
    }

    /**
     * After a replay: a queued command the replay shows accepted (its echo was lost, or its
     * acknowledgement did not reach the disk before a crash) is acknowledged, not sent
     * again; the others are sent again as they are, in order.
     */
    private void resendPending(Session to) {
        for (PendingOp op : List.copyOf(state.pending)) {
            long seq = acceptedAt(op);
            if (seq > 0) {
                acknowledgeAccepted(op, seq);
            } else {
                to.sendEncoded(op.message());
            }
        }
    }

    /** The channelSeq at which {@code op} was accepted, by this device's record, or -1. */
    private long acceptedAt(PendingOp op) {
        ChannelLedger ledger = state.ledgers.get(op.channel());
        return ledger == null ? -1 : ledger.acceptedAt(op.userSeq(), op.message());
    }

    private void acknowledgeAccepted(PendingOp op, long channelSeq) {
        state.pending.remove(op);
        tags.remove(op.userSeq());
        try {
            state.donePending(op.userSeq());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not update the outbox: {0}", e.toString());
        }
        CompletableFuture<Long> f = futures.remove(op.userSeq());
        if (f != null) {
            events.run(() -> f.complete(channelSeq));
        }
        notifyAll();
    }

    private void error(ErrorMessage e) {
        if (e.userSeq() != null) {
            PendingOp op = null;
            for (PendingOp candidate : state.pending) {
                if (candidate.userSeq() == e.userSeq()) {
                    op = candidate;
                }
            }
            if (op != null) {
                if (e.code() == ErrorCode.STALE_USER_SEQ) {
                    long last = e.lastUserSeq() == null ? state.lastUserSeq : e.lastUserSeq();
                    state.lastUserSeq = Math.max(state.lastUserSeq, last);
                    long accepted = acceptedAt(op);
                    if (accepted > 0) {
                        acknowledgeAccepted(op, accepted); // it was ours all along: never sign it twice
                    } else {
                        resign(op);
                    }
                } else if (e.code().endsConnection()) {
                    // not accepted (shutting down, internal error...): it stays queued and is sent
                    // again after the reconnection, like anything sent while disconnected
                    LOG.log(Level.INFO, "the server did not take userSeq {0} ({1}); it stays queued", op.userSeq(),
                            e.code().wireName());
                } else {
                    fail(op, new CommandException(e.code(), ServerText.clean(e.message())));
                }
                return;
            }
        }
        if (!e.code().endsConnection()) {
            events.emit(new ClientEvent.ServerNotice(e.code().wireName(), ServerText.clean(e.message())));
        }
    }

    /** Our userSeq was taken (another device of ours): sign the same command again with a fresh one. */
    private void resign(PendingOp op) {
        try {
            ChannelLedger ledger = state.ledgers.get(op.channel());
            long userSeq = ++state.lastUserSeq;
            byte[] message = codec.encode(build(op.kind(), op.channel(), op.argument(), op.channelKey(), userSeq, ledger));
            PendingOp again = op.resigned(userSeq, message);
            state.pending.set(state.pending.indexOf(op), again);
            state.putPending(again, op.userSeq());
            CompletableFuture<Long> f = futures.remove(op.userSeq());
            if (f != null) {
                futures.put(userSeq, f);
            }
            String tag = tags.remove(op.userSeq());
            if (tag != null) {
                tags.put(userSeq, tag);
            }
            if (session != null && session.synced()) {
                session.sendEncoded(message);
            }
        } catch (CommandException | IOException | MalformedInputException e) {
            fail(op, CommandException.local("could not re-sign: " + e.getMessage()));
        }
    }

    private void fail(PendingOp op, CommandException why) {
        state.pending.remove(op);
        try {
            state.donePending(op.userSeq());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not update the outbox: {0}", e.toString());
        }
        CompletableFuture<Long> f = futures.remove(op.userSeq());
        tags.remove(op.userSeq());
        if (f != null) {
            events.run(() -> f.completeExceptionally(why));
        }
        notifyAll();
    }

    private void raise(Alarm alarm) {
        for (Alarm known : alarms) {
            if (known.channel().equals(alarm.channel()) && known.seq() == alarm.seq() && known.kind() == alarm.kind()) {
                return; // the same evidence again (redelivered after a reconnection): reported once
            }
        }
        alarms.add(alarm);
        LOG.log(Level.WARNING, "ALARM {0}", alarm);
        events.emit(new ClientEvent.AlarmRaised(alarm));
    }

    @Override
    public void closed(Session which, String reason) {
        synchronized (this) {
            if (which != session) {
                return;
            }
            session = null;
            if (!ready) {
                loginFailure = reason;
                firstReplay.countDown();
                return;
            }
            if (closed || fatal) {
                return;
            }
            Duration delay = nextDelay();
            events.emit(new ClientEvent.Disconnected(reason, delay));
            timer.schedule(this::reconnect, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private Duration nextDelay() {
        long base = Math.min(options.maxRetryDelay().toMillis(), 500L << Math.min(attempts, 16));
        attempts++;
        long jittered = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        return Duration.ofMillis(Math.max(100, jittered));
    }

    private void reconnect() {
        synchronized (this) {
            if (closed || session != null) {
                return;
            }
        }
        try {
            Session fresh = Session.open(options, me, directory.server(), codec, this);
            synchronized (this) {
                if (closed) {
                    fresh.close();
                    return;
                }
                session = fresh;
                fresh.start();
                sendSync(fresh);
            }
        } catch (chat.client.LoginException e) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (e.reason() == LoginException.Reason.SERVER_KEY_MISMATCH) {
                    fatal = true;
                    raise(new Alarm("", 0, Alarm.Kind.FORK, e.getMessage()));
                    events.emit(new ClientEvent.ConnectionFailed(e.getMessage()));
                    return;
                }
                Duration delay = nextDelay();
                events.emit(new ClientEvent.Disconnected(e.getMessage(), delay));
                timer.schedule(this::reconnect, delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private synchronized void keepAlive() {
        Session s = session;
        if (s == null) {
            return;
        }
        if (s.nanosSinceLastFrame() > 3 * options.pingInterval().toNanos()) {
            s.close();
        } else {
            s.send(new Ping());
        }
    }

    // ------------------------------------------------------------------ commands

    @Override
    public String user() {
        return me.name();
    }

    @Override
    public Directory directory() {
        return directory;
    }

    @Override
    public synchronized CompletableFuture<Long> createChannel(String channel, String tag) {
        try {
            String problem = Names.channelProblem(channel);
            if (problem != null) {
                throw local(problem);
            }
            if (state.ledgers.containsKey(channel)) {
                throw new CommandException(ErrorCode.CHANNEL_EXISTS, "channel " + channel + " exists already");
            }
            for (PendingOp op : state.pending) {
                if (op.kind() == PendingOp.Kind.CREATE && op.channel().equals(channel)) {
                    throw local("channel " + channel + " is being created already");
                }
            }
            return submit(PendingOp.Kind.CREATE, channel, null, ChannelCrypto.newChannelKey(), null, tag);
        } catch (CommandException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public synchronized CompletableFuture<Long> invite(String channel, String user, String tag) {
        try {
            ChannelLedger ledger = usableChannel(channel);
            if (directory.user(user).isEmpty()) {
                throw new CommandException(ErrorCode.UNKNOWN_INVITEE, "there is no user " + user
                        + " in the directory");
            }
            if (ledger.isMember(user)) {
                throw new CommandException(ErrorCode.ALREADY_MEMBER, user + " is a member of " + channel
                        + " already");
            }
            return submit(PendingOp.Kind.INVITE, channel, user, null, ledger, tag);
        } catch (CommandException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public synchronized CompletableFuture<Long> send(String channel, String text, String tag) {
        try {
            ChannelLedger ledger = usableChannel(channel);
            if (text == null || text.isEmpty()) {
                throw local("the message is empty");
            }
            int bytes = text.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_TEXT_BYTES) {
                throw new CommandException(ErrorCode.LIMIT_EXCEEDED, "the message is " + bytes
                        + " bytes long; the limit is " + MAX_TEXT_BYTES);
            }
            return submit(PendingOp.Kind.SEND, channel, text, null, ledger, tag);
        } catch (CommandException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private ChannelLedger usableChannel(String channel) throws CommandException {
        ChannelLedger ledger = state.ledgers.get(channel);
        if (ledger == null) {
            throw new CommandException(ErrorCode.NO_SUCH_CHANNEL, "you have no channel " + channel);
        }
        if (!ledger.isMember(me.name()) || ledger.key() == null) {
            throw new CommandException(ErrorCode.NOT_MEMBER, "you are not a member of " + channel);
        }
        return ledger;
    }

    private CompletableFuture<Long> submit(PendingOp.Kind kind, String channel, String argument, byte[] channelKey,
                                           ChannelLedger ledger, String tag) throws CommandException {
        if (closed) {
            throw local("the client is closed");
        }
        long userSeq = state.lastUserSeq + 1;
        byte[] message;
        try {
            message = codec.encode(build(kind, channel, argument, channelKey, userSeq, ledger));
        } catch (MalformedInputException e) {
            throw local("cannot prepare the message: " + e.getMessage());
        }
        PendingOp op = new PendingOp(kind, channel, argument, channelKey, userSeq, message);
        try {
            state.putPending(op, null);
        } catch (IOException e) {
            throw local("cannot queue the message in the local state: " + e.getMessage());
        }
        state.pending.add(op);
        CompletableFuture<Long> future = new CompletableFuture<>();
        futures.put(userSeq, future);
        if (tag != null) {
            tags.put(userSeq, tag);
        }
        if (session != null && session.synced()) {
            session.sendEncoded(message);
        }
        return future;
    }

    private Message build(PendingOp.Kind kind, String channel, String argument, byte[] channelKey, long userSeq,
                          ChannelLedger ledger) throws MalformedInputException, CommandException {
        String name = me.name();
        return switch (kind) {
            case CREATE -> Entries.addUser(me.signing(), channel, 0, name, name, me.agreement().publicKey(), channelKey,
                    userSeq, new View(0, ChainHash.genesis(channel)));
            case INVITE -> {
                Principal invitee = directory.user(argument).orElseThrow(() -> local("no user " + argument));
                yield Entries.addUser(me.signing(), channel, 0, name, argument, invitee.agreementKey(),
                        requireLedger(ledger, channel).key(), userSeq, view(ledger));
            }
            case SEND -> Entries.comms(me.signing(), channel, 0, name, userSeq, view(requireLedger(ledger, channel)),
                    ledger.key(), argument);
        };
    }

    private static ChannelLedger requireLedger(ChannelLedger ledger, String channel) throws CommandException {
        if (ledger == null || ledger.key() == null) {
            throw local("you have no usable channel " + channel);
        }
        return ledger;
    }

    private static View view(ChannelLedger ledger) {
        return new View(ledger.lastSeq(), ledger.head(ledger.lastSeq()));
    }

    private static CommandException local(String message) {
        return CommandException.local(message);
    }

    @Override
    public synchronized List<ChannelInfo> channels() {
        List<ChannelInfo> out = new ArrayList<>();
        for (ChannelLedger ledger : state.ledgers.values()) {
            out.add(new ChannelInfo(ledger.name, ledger.members(), ledger.unread(me.name()), ledger.lastSeq()));
        }
        return out;
    }

    @Override
    public synchronized List<HistoryItem> history(String channel, int limit) throws CommandException {
        ChannelLedger ledger = state.ledgers.get(channel);
        if (ledger == null) {
            throw new CommandException(ErrorCode.NO_SUCH_CHANNEL, "you have no channel " + channel);
        }
        List<HistoryItem> all = ledger.history();
        int from = limit <= 0 ? 0 : Math.max(0, all.size() - limit);
        return List.copyOf(all.subList(from, all.size()));
    }

    @Override
    public synchronized void markRead(String channel) {
        ChannelLedger ledger = state.ledgers.get(channel);
        if (ledger != null && ledger.readUpTo != ledger.lastSeq()) {
            ledger.readUpTo = ledger.lastSeq();
            try {
                state.saveMeta();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "could not save what was read: {0}", e.toString());
            }
        }
    }

    @Override
    public boolean queuesDurably() {
        return state.persistent();
    }

    @Override
    public synchronized boolean connected() {
        return session != null && session.synced();
    }

    @Override
    public synchronized int pendingCount() {
        return state.pending.size();
    }

    @Override
    public boolean awaitPending(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (!state.pending.isEmpty()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
        }
        events.flush();
        return true;
    }

    @Override
    public synchronized List<Alarm> alarms() {
        return List.copyOf(alarms);
    }

    @Override
    public void close() {
        Session s;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            s = session;
            session = null;
            notifyAll();
        }
        timer.shutdownNow();
        if (s != null) {
            s.close();
        }
        synchronized (this) {
            state.close();
        }
        events.close();
        me.destroy();
    }
}
