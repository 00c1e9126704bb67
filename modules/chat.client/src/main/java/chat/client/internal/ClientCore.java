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
import chat.protocol.ChannelCrypto;
import chat.protocol.ChannelEntry;
import chat.protocol.ChannelHead;
import chat.protocol.Comms;
import chat.protocol.Entries;
import chat.protocol.ErrorCode;
import chat.protocol.ErrorMessage;
import chat.protocol.Presence;
import chat.protocol.PresenceWatch;
import chat.protocol.MemberChange;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.Names;
import chat.protocol.Ping;
import chat.protocol.Pong;
import chat.protocol.ReplayFinished;
import chat.protocol.Sync;
import chat.client.Whois;
import chat.protocol.DirectoryClaim;
import chat.protocol.DirectoryGet;
import chat.protocol.DirectoryUpdate;
import chat.protocol.identity.Directory;
import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.DirectoryVersion;
import chat.protocol.identity.Principal;
import java.time.Instant;
import java.util.HexFormat;
import chat.protocol.identity.IdentityFileException;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.UserBundle;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The client. Locking rule: every field below, and everything it owns ({@link Outbox},
 * {@link LocalState}, the ledgers, the attempt count of {@link Reconnection}), is guarded
 * by this object's monitor; the session reader, the commands and the timer all enter
 * through synchronized methods, and events leave through the {@link EventDispatcher},
 * never while calling the frontend.
 */
public final class ClientCore implements ChatClient, Session.Listener {

    private static final System.Logger LOG = System.getLogger("chat.client");
    /** Longest message text, in UTF-8 bytes; the frame limit leaves room for it with headers. */
    public static final int MAX_TEXT_BYTES = chat.client.ChatClient.MAX_TEXT_BYTES;
    /** Larger userSeqs would leave fewer than 2^32 commands before the protocol's 2^53 - 1 limit. */
    static final long MAX_PLAUSIBLE_USER_SEQ = MessageCodec.MAX_SEQ - (1L << 32);

    private final IdentityKeys me;
    private final UserBundle bundle;
    /** The newest verified directory log this device holds (written back to the bundle's directory.json). */
    private volatile DirectoryLog log; // volatile: read without the monitor by the verification pool (preverify)
    /** Members' messages naming a directory version newer than ours, waiting for the server to show it. */
    private final List<ChannelLedger.Claim> unresolvedClaims = new ArrayList<>();
    /**
     * Since when the server has served an older directory than this device holds although it
     * never served a newer one (0: it does not; -1: reported): a server that has not loaded
     * the admin's newest file yet gets a few seconds before that is an alarm.
     */
    private long directoryBehindSince;
    private final ClientOptions options;
    private final EventDispatcher events;
    private final LocalState state;
    private final MessageCodec codec = new MessageCodec();
    private final CommandSigner signer;
    private final Outbox outbox;
    /** Our own entries' verification: see {@link #preverify}. */
    private final ChannelLedger.Verified ownKey;
    private final Reconnection reconnection;
    private final ServerRotation rotation;
    private final List<Alarm> alarms = new ArrayList<>();
    /** Users sharing a channel with us whom the server reports connected; emptied when our connection drops. */
    private final java.util.Set<String> online = new java.util.TreeSet<>();
    /**
     * Channels this device does not hold yet whose first delivered entry was rejected: kept
     * for the session (never stored) so that the rest of a bad delivery is judged against
     * the same ledger and a gap is reported once, not once per entry.
     */
    private final Map<String, ChannelLedger> unverified = new HashMap<>();
    /** Counted down when the first login's replay is done or its session ended; one per attempt. */
    private CountDownLatch firstReplay = new CountDownLatch(1);
    /** Ops refused for an epoch or rotation not seen yet (userSeq -> channel's lastSeq then): wait for a newer entry. */
    private final Map<Long, Long> waitingSince = new HashMap<>();
    private ConnState conn = new ConnState.Connecting(null); // the session follows in start()

    private ClientCore(UserBundle bundle, IdentityKeys me, ClientOptions options, EventDispatcher events,
                       LocalState state) {
        this.me = me;
        this.bundle = bundle;
        this.log = bundle.log();
        this.options = options;
        this.events = events;
        this.state = state;
        this.signer = new CommandSigner(me, () -> log.current(), () -> new DirectoryClaim(log.number(), log.head()), codec);
        this.outbox = new Outbox(state, events, this, this::transmit);
        this.ownKey = new ChannelLedger.Verified(me.signing().publicKey());
        this.reconnection = new Reconnection(options.maxRetryDelay(), options.pingInterval());
        this.rotation = new ServerRotation(options.servers());
        outbox.onSettled(this::settled);
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
            state = LocalState.open(bundle.dir(), keys, bundle.log());
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
        outbox.start();
        state.damage.forEach(d -> events.emit(new ClientEvent.StateRepaired(d)));
        synchronized (this) {
            announceBundleVersions();
        }
        Session first = openAny(true);
        for (int tried = 1; ; tried++) {
            String failure = firstCatchUp(first);
            if (failure == null) {
                break;
            }
            first.close();
            if (tried >= options.servers().size()) { // each address once
                throw new LoginException(LoginException.Reason.REFUSED, failure);
            }
            // another relay of the deployment may well serve it: what this one delivered is kept
            LOG.log(Level.INFO, "the first catch-up through {0} failed ({1}); trying the next server",
                    new Object[] {first.address(), failure});
            rotation.failed(first.server());
            first = openAny(true);
        }
        events.emit(new ClientEvent.Ready(me.name()));
        reconnection.startKeepAlive(this::keepAlive);
    }

    /**
     * The first login's replay through {@code s}: null once it is done, else why not (the
     * session ended, or the server sent nothing for the login timeout). A long catch-up takes
     * as long as it takes while the server keeps sending.
     */
    private String firstCatchUp(Session s) throws LoginException {
        events.emit(new ClientEvent.Connecting(s.address(), ClientEvent.Connecting.Stage.CATCHING_UP));
        CountDownLatch done;
        synchronized (this) {
            done = firstReplay = new CountDownLatch(1);
            conn = new ConnState.Connecting(s);
            s.start(); // only now: what it reads must find it installed as the current session
            sendSync(s);
        }
        long silence = options.loginTimeout().toNanos();
        try {
            while (!done.await(250, TimeUnit.MILLISECONDS)) {
                if (s.nanosSinceLastFrame() > silence) {
                    return "the server at " + s.address() + " sent nothing for " + options.loginTimeout().toSeconds()
                            + " s during the catch-up";
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoginException(LoginException.Reason.UNREACHABLE, "interrupted during login");
        }
        synchronized (this) {
            return conn instanceof ConnState.Failed failed ? failed.reason() : null;
        }
    }

    /**
     * Logs in at the first of the deployment's servers that lets us in, in the rotation's
     * order, moving on at once from one that cannot be reached or refuses the login (another
     * relay of the deployment may well accept it). A server that fails to prove the
     * deployment's key, or that says our key is revoked, ends the round: trying the next
     * address would hide what needs a person. On the first login, the progress events name
     * the address being tried.
     */
    private Session openAny(boolean firstLogin) throws LoginException {
        List<InetSocketAddress> round = rotation.round();
        LoginException last = null;
        for (InetSocketAddress address : round) {
            String where = ClientOptions.text(address);
            if (firstLogin) {
                events.emit(new ClientEvent.Connecting(where, ClientEvent.Connecting.Stage.CONNECTING));
            }
            try {
                Session s = Session.open(options, address, me, log.server(), codec, this, firstLogin
                        ? () -> events.emit(new ClientEvent.Connecting(where, ClientEvent.Connecting.Stage.LOGGING_IN))
                        : () -> { });
                rotation.worked(address);
                return s;
            } catch (LoginException e) {
                if (e.reason() != LoginException.Reason.UNREACHABLE && e.reason() != LoginException.Reason.REFUSED) {
                    throw e;
                }
                LOG.log(Level.INFO, "server {0} failed: {1}", new Object[] {where, e.getMessage()});
                rotation.failed(address);
                last = e;
            }
        }
        if (round.size() == 1) {
            throw last;
        }
        throw new LoginException(last.reason(), "none of the " + round.size() + " servers let us in; the last: "
                + last.getMessage(), last);
    }

    /** The directory first (so replayed entries find every user they name), then the channels. */
    private void sendSync(Session s) {
        s.send(new DirectoryGet(log.number()));
        Map<String, Long> cursors = new LinkedHashMap<>();
        state.ledgers.forEach((name, ledger) -> cursors.put(name, ledger.lastSeq()));
        s.send(new Sync(cursors));
        s.send(new PresenceWatch()); // a server older than presence answers unknownType: see error()
    }

    // ------------------------------------------------------------------ from the server

    /**
     * On the verification pool. The echo of an entry this device signed and still has in its
     * outbox is recognised by its bytes: equal to what we signed, signature included, it
     * carries our signature over exactly these bytes, so checking it again would only
     * repeat the signing (for a bot, one Ed25519 verification per message saved). The
     * ledger still checks that this key is the author's in the directory; anything else
     * is verified against the author's keys.
     */
    @Override
    public ChannelLedger.Verified preverify(ChannelEntry entry) {
        if (entry.author().equals(me.name())) {
            byte[] ours = outbox.signedEntry(entry.userSeq());
            if (ours != null && java.util.Arrays.equals(ChannelLedger.unstamped(entry), ours)) {
                return ownKey;
            }
        }
        for (Principal key : log.keysOf(entry.author())) {
            if (Entries.verify(entry, key.signingKey())) {
                return new ChannelLedger.Verified(key.signingKey());
            }
        }
        return null;
    }

    @Override
    public synchronized void received(Session from, Message message, byte[] json, byte[] canonical,
                                      ChannelLedger.Verified verified) {
        if (from != conn.session()) {
            return;
        }
        switch (message) {
            case ChannelEntry e -> entry(e.channelID(), e, e.stamp() != null, canonical, verified);
            case ReplayFinished r -> replayFinished(from, r);
            case chat.protocol.Expired x -> expired(x);
            case DirectoryUpdate u -> directoryUpdate(u);
            case Presence p -> presence(p);
            case ErrorMessage e -> error(e);
            case Ping p -> from.send(new Pong());
            case Pong p -> {
            }
            default -> LOG.log(Level.INFO, "ignored unexpected {0} from the server", message.type());
        }
    }

    private void entry(String channel, ChannelEntry entry, boolean stamped, byte[] canonical,
                       ChannelLedger.Verified verified) {
        if (!stamped) {
            raise(new Alarm(channel, 0, Alarm.Kind.BAD_CREATE, "the server delivered an entry without channelSeq"));
            return;
        }
        // The chain is defined over the RFC 8785 form; re-encoding makes a server's spelling irrelevant.
        byte[] json = canonical != null ? canonical : codec.encode(entry);
        ChannelLedger ledger = state.ledgers.get(channel);
        boolean fresh = ledger == null;
        if (fresh) {
            ledger = unverified.computeIfAbsent(channel, ChannelLedger::new);
        }
        if (verified == ownKey && entry instanceof chat.protocol.Comms) {
            // preverify matched these bytes with what we signed: the text is the one we sent
            PendingOp ours = outbox.withUserSeq(entry.userSeq());
            if (ours != null && ours.kind() == PendingOp.Kind.SEND && ours.argument() != null) {
                verified = new ChannelLedger.Verified(ownKey.key(), ours.argument());
            }
        }
        ChannelLedger.Outcome outcome = ledger.apply(entry, json, log, me, verified);
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
                PendingOp answered = outbox.echoedBy(entry, me.name());
                for (HistoryItem earlier : applied.revealed()) {
                    emit(channel, earlier, null);
                }
                if (applied.item() != null) {
                    emit(channel, applied.item(), outbox.takeTag(answered));
                }
                applied.alarms().forEach(this::raise);
                ledger.drainClaims().forEach(this::checkClaim);
                if (entry.author().equals(me.name())) {
                    state.lastUserSeq = Math.max(state.lastUserSeq, entry.userSeq());
                    outbox.acknowledge(answered, entry.stamp().channelSeq());
                }
                membershipMoved(ledger, entry);
            }
            case ChannelLedger.Outcome.Duplicate d -> {
            }
            case ChannelLedger.Outcome.Rejected r -> raise(r.alarm());
        }
    }

    /**
     * An {@code expired} placeholder (protocol.md, "Retention"): checked against this
     * device's record of the channel, then applied and recorded entry by entry (each entry
     * of the run is stored as the placeholder, so a restart re-applies it like any entry),
     * and shown once.
     */
    private void expired(chat.protocol.Expired x) {
        String channel = x.channelID();
        ChannelLedger ledger = state.ledgers.get(channel);
        if (ledger == null) {
            ledger = unverified.get(channel);
        }
        if (ledger == null) {
            raise(new Alarm(channel, 1, Alarm.Kind.BAD_CREATE, "the server began the channel with expired entries #"
                    + x.fromSeq() + ".." + x.toSeq() + "; entry #1 must be its creation, which never expires"));
            return;
        }
        switch (ledger.checkExpired(x)) {
            case null -> {
                byte[] json = codec.encode(x);
                HistoryItem shown = null;
                while (ledger.lastSeq() < x.toSeq()) {
                    HistoryItem item = ledger.applyExpired(x);
                    shown = item != null ? item : shown;
                    try {
                        state.recordEntry(ledger, json);
                    } catch (IOException e) {
                        LOG.log(Level.WARNING, "could not record an entry locally: {0}", e.toString());
                    }
                }
                if (shown != null) {
                    events.emit(new ClientEvent.HistoryExpired(channel, x.fromSeq(), x.toSeq(), shown.timestamp()));
                }
            }
            case ChannelLedger.Outcome.Duplicate d -> {
            }
            case ChannelLedger.Outcome.Rejected r -> raise(r.alarm());
            case ChannelLedger.Outcome.Applied a -> throw new IllegalStateException("checkExpired applies nothing");
        }
    }

    private void emit(String channel, HistoryItem item, String tag) {
        switch (item) {
            case HistoryItem.Text t -> events.emit(new ClientEvent.MessageReceived(channel, t.author(), t.text(), t.seq(),
                    t.timestamp(), t.mine(), tag));
            case HistoryItem.Joined j -> events.emit(new ClientEvent.MemberAdded(channel, j.member(), j.author(), j.seq(),
                    j.timestamp(), tag));
            case HistoryItem.MemberChanged m -> events.emit(new ClientEvent.MemberChanged(channel, m.member(), m.author(),
                    m.change(), m.seq(), m.timestamp(), tag));
            case HistoryItem.Rotated r -> events.emit(new ClientEvent.Rotated(channel, r.author(), r.epoch(), r.seq(),
                    r.timestamp(), tag));
            case HistoryItem.Expired x -> events.emit(new ClientEvent.HistoryExpired(channel, x.fromSeq(), x.seq(),
                    x.timestamp()));
        }
    }

    /**
     * After an entry of {@code ledger}'s channel applied: our own departure ends every
     * command still queued for it; a departure of someone else calls for a rotation
     * (docs/protocol.md, "Who rotates"); and commands that waited for the channel to move
     * on (refused for an old epoch or a pending rotation) get their turn.
     */
    private void membershipMoved(ChannelLedger ledger, ChannelEntry entry) {
        if (entry instanceof MemberChange m && m.isDeparture() && m.subject().equals(me.name())) {
            CommandException gone = departed(ledger);
            for (PendingOp op : outbox.ops()) {
                if (op.channel().equals(ledger.name)) {
                    outbox.fail(op, gone);
                }
            }
            return;
        }
        if (entry instanceof MemberChange m && m.isDeparture() && conn instanceof ConnState.Ready) {
            departureSeen(ledger);
        }
        // While a create, invite or rotation of this channel is in the outbox, what it holds
        // is released when that one ends (settled); an entry frees only ops that wait for
        // the channel to move on (waitingSince). Spares a walk through a bot's outbox per entry.
        if (!waitingSince.isEmpty() || !outbox.waitsFor(ledger.name)) {
            releaseHeld();
        }
    }

    /** A departure of another member, seen live: rotate now if we are the designated rotator, else after the grace time. */
    private void departureSeen(ChannelLedger ledger) {
        if (!ledger.rotationPending() || !ledger.isMember(me.name())) {
            return;
        }
        if (me.name().equals(ledger.designatedRotator())) {
            ensureRotation(ledger);
        } else {
            long at = ledger.pendingDeparture().seq();
            String name = ledger.name;
            reconnection.schedule(() -> graceOver(name, at), options.rotateGrace());
        }
    }

    private synchronized void graceOver(String channel, long departureSeq) {
        ChannelLedger ledger = state.ledgers.get(channel);
        if (ledger != null && conn instanceof ConnState.Ready && ledger.rotationPending()
                && ledger.pendingDeparture().seq() == departureSeq && ledger.isMember(me.name())) {
            ensureRotation(ledger);
        }
    }

    /** Queues an automatic rotation of {@code ledger}'s channel unless one of ours is queued already. */
    private void ensureRotation(ChannelLedger ledger) {
        if (outbox.rotationQueued(ledger.name)) {
            return;
        }
        String argument = PendingOp.AUTO + " " + ledger.epoch();
        try {
            if (outbox.waitsFor(ledger.name)) {
                hold(PendingOp.Kind.ROTATE, ledger.name, argument, ChannelCrypto.newChannelKey(), null);
            } else {
                submit(PendingOp.Kind.ROTATE, ledger.name, argument, ChannelCrypto.newChannelKey(), ledger, null);
            }
        } catch (CommandException e) {
            LOG.log(Level.WARNING, "could not rotate the key of {0}: {1}", ledger.name, e.getMessage());
        }
    }

    /** Whether a message now would go into an epoch that has carried enough messages or lived long enough. */
    private boolean rotationDue(ChannelLedger ledger) {
        return ledger.epochMessages() >= options.rotateAfterMessages() || (ledger.epochStartedAt() > 0
                && System.currentTimeMillis() - ledger.epochStartedAt() >= options.rotateAfter().toMillis());
    }

    private CommandException departed(ChannelLedger ledger) {
        ChannelLedger.Departure d = ledger.ownDeparture();
        String how = d.by().equals(me.name()) ? "you left #" + ledger.name
                : d.by() + " removed you from #" + ledger.name;
        return new CommandException(ErrorCode.NOT_MEMBER, how + " (entry #" + d.seq()
                + "); it is read-only history now");
    }

    private void replayFinished(Session from, ReplayFinished r) {
        learnLastUserSeq(r.userSeq(), "replayFinished");
        ReplayAudit.audit(r, state.ledgers.values(), unverified.keySet(), me.name()).forEach(this::raise);
        try {
            state.sync();
            state.saveMeta();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not sync local state: {0}", e.toString());
        }
        from.markSynced();
        boolean first = conn instanceof ConnState.Connecting;
        conn = new ConnState.Ready(from);
        reconnection.succeeded();
        resendPending(from);
        releaseHeld(); // held ops restored from disk whose create or invite was answered before the restart
        for (ChannelLedger ledger : state.ledgers.values()) {
            ledger.drainClaims().forEach(this::checkClaim); // history read at start names directory versions too
        }
        removeRevoked();
        for (ChannelLedger ledger : List.copyOf(state.ledgers.values())) {
            departureSeen(ledger); // a departure that happened while we were away may still wait for its rotation
        }
        if (first) {
            firstReplay.countDown();
        } else {
            events.emit(new ClientEvent.Reconnected(from.address()));
        }
    }

    /**
     * After a replay: a queued command the replay shows accepted (its echo was lost, or its
     * acknowledgement did not reach the disk before a crash) is acknowledged, not sent
     * again; the others are sent again as they are, in order.
     */
    private void resendPending(Session to) {
        for (PendingOp op : outbox.ops()) {
            if (op.held()) {
                continue; // signed and sent when what it waits for is answered
            }
            long seq = acceptedAt(op);
            if (seq > 0) {
                outbox.acknowledge(op, seq);
            } else if (outbox.durable(op)) {
                to.sendEncoded(op.message());
            } // else it is sent when its record is durable, after these: see transmit
        }
    }

    /** The channelSeq at which {@code op} was accepted, by this device's record, or -1. */
    private long acceptedAt(PendingOp op) {
        ChannelLedger ledger = state.ledgers.get(op.channel());
        return ledger == null ? -1 : ledger.acceptedAt(op.userSeq(), op.message());
    }

    private void presence(Presence p) {
        if (p.user().equals(me.name())) {
            return;
        }
        if (p.online() ? online.add(p.user()) : online.remove(p.user())) {
            events.emit(new ClientEvent.PresenceChanged(p.user(), p.online()));
        }
    }

    private void error(ErrorMessage e) {
        PendingOp op = e.userSeq() == null ? null : outbox.withUserSeq(e.userSeq());
        if (op == null && e.code() == ErrorCode.UNKNOWN_TYPE && e.message().contains(PresenceWatch.TYPE)) {
            LOG.log(Level.INFO, "the server does not report presence: {0}", ServerText.clean(e.message()));
        } else if (op == null) {
            if (!e.code().endsConnection()) {
                events.emit(new ClientEvent.ServerNotice(e.code().wireName(), ServerText.clean(e.message())));
            }
        } else if (e.code() == ErrorCode.STALE_USER_SEQ) {
            long last = e.lastUserSeq() == null ? state.lastUserSeq : e.lastUserSeq();
            learnLastUserSeq(last, "a staleUserSeq error");
            long accepted = acceptedAt(op);
            if (accepted > 0) {
                outbox.acknowledge(op, accepted); // it was ours all along: never sign it twice
            } else {
                resign(op);
            }
        } else if (e.code() == ErrorCode.WRONG_EPOCH || e.code() == ErrorCode.ROTATION_PENDING
                || e.code() == ErrorCode.STALE_MEMBERS) {
            retryLater(op, e.code());
        } else if (e.code().endsConnection()) {
            // not accepted (shutting down, internal error...): it stays queued and is sent
            // again after the reconnection, like anything sent while disconnected
            LOG.log(Level.INFO, "the server did not take userSeq {0} ({1}); it stays queued", op.userSeq(),
                    e.code().wireName());
        } else {
            outbox.fail(op, new CommandException(e.code(), ServerText.clean(e.message())));
        }
    }

    /**
     * {@code op} was refused because the channel moved on under it (a rotation or a
     * departure we had not seen yet): it goes back to waiting, unsigned, and is signed
     * again once this device has applied a newer entry of the channel; a message waiting
     * for a rotation makes us rotate if nobody has (docs/protocol.md, "Who rotates").
     */
    private void retryLater(PendingOp op, ErrorCode why) {
        ChannelLedger ledger = state.ledgers.get(op.channel());
        // It waits for an entry newer than the view it was signed over: if this device has
        // applied one already (the refusal can arrive after the entry that caused it), it goes again at once.
        long signedAt = ledger == null ? 0 : ledger.lastSeq();
        try {
            if (codec.decode(op.message()) instanceof ChannelEntry sent) {
                signedAt = sent.view().seq();
            }
        } catch (chat.protocol.ProtocolException e) {
            // our own bytes: cannot happen; wait for the next entry instead
        }
        try {
            PendingOp waiting = op.unsigned();
            outbox.replace(op, waiting);
            waitingSince.put(waiting.userSeq(), signedAt);
        } catch (IOException ex) {
            outbox.fail(op, CommandException.local("could not re-queue after " + why.wireName() + ": " + ex.getMessage()));
            return;
        }
        if (why == ErrorCode.ROTATION_PENDING && ledger != null && ledger.rotationPending()) {
            ensureRotation(ledger);
        }
        releaseHeld();
    }

    /**
     * Signs {@code op} again with a fresh userSeq: its own was taken (by another device of
     * ours), or it was held and is signed for the first time.
     */
    private void resign(PendingOp op) {
        resignAll(List.of(op));
    }

    /**
     * An invite or send given while an earlier create or invite of its channel is in the
     * outbox is held there unsigned (it could not be signed over a channel this device does
     * not hold yet) and signed when that one is acknowledged, in the order given; if that
     * one is refused, the held ones fail with the same refusal.
     */
    private void settled(PendingOp op, CommandException refusal) {
        if (!op.isBarrier()) {
            return;
        }
        if (refusal != null) {
            for (PendingOp held : outbox.ops()) {
                if (held.held() && held.channel().equals(op.channel())) {
                    outbox.fail(held, refusal.withMessage(held.describe() + " waited for " + op.describe()
                            + ", which was refused: " + refusal.getMessage()));
                }
            }
        }
        releaseHeld();
    }

    /** Signs (and sends, if connected) every held op that no longer waits, in order. */
    private void releaseHeld() {
        if (conn instanceof ConnState.Closed || !outbox.anyHeld()) {
            return;
        }
        List<PendingOp> sends = new ArrayList<>();
        for (PendingOp op : outbox.ops()) {
            if (!op.held() || outbox.barrierBefore(op) != null || outbox.withUserSeq(op.userSeq()) != op) {
                continue;
            }
            ChannelLedger current = state.ledgers.get(op.channel());
            Long since = waitingSince.get(op.userSeq());
            if (since != null && current != null && current.lastSeq() <= since) {
                continue; // refused for an epoch or rotation we have not seen move yet
            }
            waitingSince.remove(op.userSeq());
            try {
                ChannelLedger ledger = usableChannel(op.channel());
                switch (op.kind()) {
                    case ROTATE -> {
                        if (ledger.epoch() > op.rotateFrom() && !ledger.rotationPending()) {
                            outbox.acknowledge(op, ledger.lastSeq()); // someone rotated meanwhile: done
                            continue;
                        }
                    }
                    case SEND, INVITE -> {
                        if (ledger.rotationPending()) {
                            ensureRotation(ledger); // signed after the rotation, under its key
                            continue;
                        }
                        if (op.kind() == PendingOp.Kind.INVITE && ledger.isMember(op.argument())) {
                            throw new CommandException(ErrorCode.ALREADY_MEMBER, op.argument() + " is a member of "
                                    + op.channel() + " already");
                        }
                    }
                    default -> {
                    }
                }
                if (op.kind() == PendingOp.Kind.SEND) {
                    sends.add(op);
                } else {
                    resignAll(sends); // in the order given: what came before it first
                    sends.clear();
                    resign(op);
                }
            } catch (CommandException e) {
                outbox.fail(op, e);
            }
        }
        resignAll(sends);
    }

    /** Fewer held messages than this are signed one after the other on the calling thread. */
    private static final int PARALLEL_SIGNING = 16;

    /**
     * Signs {@code ops} again as {@link #resign} does one: userSeqs in the order given, the
     * outbox replaced in that order. A bot's messages wait in hundreds behind each automatic
     * rotation, and signing is most of the work of sending, so a batch of
     * {@value #PARALLEL_SIGNING} or more is signed on every core: nothing else runs
     * meanwhile (this thread holds the client's lock), so the ledger and the directory they
     * are signed over stay as they are.
     */
    private void resignAll(List<PendingOp> ops) {
        int n = (int) Math.min(ops.size(), Math.max(0, MessageCodec.MAX_SEQ - state.lastUserSeq));
        List<PendingOp> batch = ops.subList(0, n);
        long[] userSeqs = new long[n];
        ChannelLedger[] ledgers = new ChannelLedger[n];
        for (int i = 0; i < n; i++) {
            userSeqs[i] = ++state.lastUserSeq;
            ledgers[i] = state.ledgers.get(batch.get(i).channel());
        }
        Object[] signed = new Object[n]; // the message, or the exception that stopped it
        java.util.stream.IntStream indexes = java.util.stream.IntStream.range(0, n);
        (n >= PARALLEL_SIGNING ? indexes.parallel() : indexes).forEach(i -> {
            PendingOp op = batch.get(i);
            try {
                signed[i] = signer.sign(op.kind(), op.channel(), op.argument(), op.channelKey(), userSeqs[i], ledgers[i]);
            } catch (CommandException | MalformedInputException | RuntimeException e) {
                signed[i] = e;
            }
        });
        for (int i = 0; i < n; i++) {
            PendingOp op = batch.get(i);
            try {
                if (signed[i] instanceof byte[] message) {
                    outbox.replace(op, op.resigned(userSeqs[i], message)); // sent once durable: see transmit
                } else if (signed[i] instanceof RuntimeException e) {
                    throw e;
                } else {
                    outbox.fail(op, CommandException.local("could not re-sign: " + ((Exception) signed[i]).getMessage()));
                }
            } catch (IOException e) {
                outbox.fail(op, CommandException.local("could not re-sign: " + e.getMessage()));
            }
        }
        for (PendingOp op : ops.subList(n, ops.size())) {
            outbox.fail(op, CommandException.local("could not re-sign: this user has used every userSeq the protocol allows"));
        }
    }

    private void raise(Alarm alarm) {
        for (Alarm known : alarms) {
            if (known.channel().equals(alarm.channel()) && known.seq() == alarm.seq() && known.kind() == alarm.kind()
                    && (!alarm.channel().isEmpty() || known.detail().equals(alarm.detail()))) {
                return; // the same evidence again (redelivered after a reconnection): reported once
            }
        }
        alarms.add(alarm);
        LOG.log(Level.WARNING, "ALARM {0}", alarm);
        events.emit(new ClientEvent.AlarmRaised(alarm));
    }

    // ------------------------------------------------------------------ connection

    @Override
    public synchronized void closed(Session which, String reason) {
        if (which != conn.session()) {
            return;
        }
        if (conn instanceof ConnState.Connecting) {
            conn = new ConnState.Failed(reason);
            firstReplay.countDown();
            return;
        }
        conn = new ConnState.Backoff();
        online.clear(); // unknown until the next connection's watch answers
        Duration delay = reconnection.scheduleAttempt(this::reconnect);
        events.emit(new ClientEvent.Disconnected(reason, delay));
    }

    private void reconnect() {
        synchronized (this) {
            if (!(conn instanceof ConnState.Backoff)) {
                return;
            }
        }
        try {
            Session fresh = openAny(false);
            synchronized (this) {
                if (!(conn instanceof ConnState.Backoff)) {
                    fresh.close(); // closed meanwhile
                    return;
                }
                conn = new ConnState.Replaying(fresh);
                fresh.start();
                sendSync(fresh);
            }
        } catch (LoginException e) {
            synchronized (this) {
                if (!(conn instanceof ConnState.Backoff)) {
                    return;
                }
                if (e.reason() == LoginException.Reason.REVOKED) {
                    conn = new ConnState.Failed(e.getMessage());
                    events.emit(new ClientEvent.ConnectionFailed(e.getMessage()));
                    return;
                }
                if (e.reason() == LoginException.Reason.SERVER_KEY_MISMATCH) {
                    conn = new ConnState.Failed(e.getMessage());
                    raise(new Alarm("", 0, Alarm.Kind.FORK, e.getMessage()));
                    events.emit(new ClientEvent.ConnectionFailed(e.getMessage()));
                    return;
                }
                Duration delay = reconnection.scheduleAttempt(this::reconnect);
                events.emit(new ClientEvent.Disconnected(e.getMessage(), delay));
            }
        }
    }

    private synchronized void keepAlive() {
        Session s = conn.session();
        if (s != null && reconnection.keepAlive(s)) {
            // silent (a frozen server keeps its sockets open): the next attempt starts at the next address
            LOG.log(Level.INFO, "server {0} went silent; leaving it", s.address());
            rotation.failed(s.server());
        }
    }

    // ------------------------------------------------------------------ commands

    @Override
    public String user() {
        return me.name();
    }

    @Override
    public synchronized Directory directory() {
        return log.current();
    }

    @Override
    public synchronized long directoryVersion() {
        return log.number();
    }

    @Override
    public synchronized Whois whois(String user) throws CommandException {
        Principal key = log.known(user).orElseThrow(() -> new CommandException(ErrorCode.UNKNOWN_USER,
                "there is no user " + user + " in the directory (version " + log.number() + ")"));
        long since = 1;
        for (DirectoryVersion v : log.versions()) {
            Principal added = v.added().get(user);
            if (added != null && added.equals(key)) {
                since = v.number();
            }
        }
        DirectoryVersion revocation = log.isRevoked(user) ? log.revocation(user).orElse(null) : null;
        return new Whois(user, key.fingerprint(), since, Instant.ofEpochMilli(log.version(since).issued()),
                revocation == null ? null : revocation.number(),
                revocation == null ? null : Instant.ofEpochMilli(revocation.issued()),
                key.fingerprint().equals(state.verified.get(user)), log.keysOf(user).size() - 1, log.number());
    }

    @Override
    public synchronized Whois verify(String user) throws CommandException {
        Whois before = whois(user);
        if (before.revoked()) {
            throw CommandException.local(user + "'s key was revoked in directory version " + before.revokedIn()
                    + "; there is nothing to verify");
        }
        state.verified.put(user, before.fingerprint());
        try {
            state.saveMeta();
            state.sync();
        } catch (IOException e) {
            throw CommandException.local("could not record the verification: " + e.getMessage());
        }
        return whois(user);
    }

    // ------------------------------------------------------------------ the directory log

    /**
     * Versions from the server: checked against the log we hold (docs/protocol.md, "The
     * directory log"). What verifies is kept, written back to the bundle and announced;
     * a rollback, a fork or a changed key raises an alarm and changes nothing we hold.
     */
    private void directoryUpdate(DirectoryUpdate update) {
        DirectoryLog before = log;
        DirectoryLog.Reconciled r = before.reconcile(update.versions());
        long servedNewest = update.versions().get(update.versions().size() - 1).number();
        if (r.problems().isEmpty()) {
            directoryBehindSince = 0;
            if (servedNewest > state.directoryServed) {
                state.directoryServed = servedNewest;
                saveMetaQuietly();
            }
        }
        for (DirectoryLog.Problem p : r.problems()) {
            if (p.kind() == DirectoryLog.Problem.Kind.ROLLBACK && servedNewest >= state.directoryServed
                    && !behindTooLong()) {
                continue; // the server never showed us more: it may not have loaded the admin's newest file yet
            }
            Alarm.Kind kind = switch (p.kind()) {
                case ROLLBACK -> Alarm.Kind.DIRECTORY_ROLLBACK;
                case FORK -> Alarm.Kind.DIRECTORY_FORK;
                case KEY_CHANGED -> Alarm.Kind.KEY_CHANGED;
            };
            raise(new Alarm("", update.versions().get(update.versions().size() - 1).number(), kind, p.message()));
        }
        if (r.log().number() > before.number()) {
            log = r.log();
            try {
                log.replace(bundle.directoryFile());
            } catch (IOException e) {
                LOG.log(Level.WARNING, "could not write directory version {0} to {1}: {2}", log.number(),
                        bundle.directoryFile(), e.toString());
            }
            announce(before.number(), r.keyChanges());
            if (conn instanceof ConnState.Ready) {
                removeRevoked();
            }
        }
        resolveClaims();
    }

    /**
     * Versions this device has not announced yet but finds in its bundle (the admin's tool
     * wrote them there, or another client on the bundle did): announced now as if the server
     * had sent them, key changes included, since the log is append-only and what this device
     * knew is its prefix. A fresh state only records where it starts.
     */
    private void announceBundleVersions() {
        long seen = state.directorySeen;
        if (seen > 0 && seen < log.number()) {
            try {
                DirectoryLog known = DirectoryLog.of(log.versions().subList(0, (int) seen));
                announce(seen, known.reconcile(log.versionsFrom(seen + 1)).keyChanges());
                return;
            } catch (chat.protocol.identity.DirectoryException e) {
                LOG.log(Level.WARNING, "could not compare the bundle's directory with what this device saw: {0}",
                        e.getMessage());
            }
        }
        if (seen != log.number()) {
            state.directorySeen = Math.max(seen, log.number());
            saveMetaQuietly();
        }
    }

    /**
     * Tells the person about the versions after {@code from} up to the newest this device
     * holds: each key change as a loud alarm, then who was added and who revoked; and
     * records, durably, that they were announced (so a restart does not announce them again).
     */
    private void announce(long from, List<DirectoryLog.KeyChange> keyChanges) {
        for (DirectoryLog.KeyChange c : keyChanges) {
            raise(new Alarm("", c.number(), Alarm.Kind.KEY_CHANGED, c.user() + "'s key changed in directory version "
                    + c.number() + " (signed by the admin): the fingerprint is now " + c.after().fingerprint()
                    + ", it was " + c.before().fingerprint() + "; compare it with " + c.user() + " again"));
        }
        List<String> added = new ArrayList<>();
        List<String> revoked = new ArrayList<>();
        for (DirectoryVersion v : log.versionsFrom(from + 1)) {
            revoked.removeAll(v.added().keySet());
            added.removeAll(v.revoked());
            revoked.addAll(v.revoked());
            added.addAll(v.added().keySet());
        }
        events.emit(new ClientEvent.DirectoryChanged(log.number(), List.copyOf(added), List.copyOf(revoked)));
        state.directorySeen = Math.max(state.directorySeen, log.number());
        saveMetaQuietly();
    }

    /**
     * The server says which userSeq this user (any of its devices) used last. A value that
     * leaves no room to count on (near 2^53) could only make every later command
     * impossible to sign: it is refused with an alarm, never stored.
     */
    private void learnLastUserSeq(long claimed, String where) {
        if (claimed > MAX_PLAUSIBLE_USER_SEQ) {
            raise(new Alarm("", claimed, Alarm.Kind.BAD_USER_SEQ, "the server announced in " + where
                    + " that you used userSeq " + claimed + ", which leaves no room for further messages; it is"
                    + " ignored (you have used " + state.lastUserSeq + ")"));
            return;
        }
        state.lastUserSeq = Math.max(state.lastUserSeq, claimed);
    }

    /**
     * True once the server has served an older directory than ours (never having served a
     * newer one) for longer than the claim timeout; until then it is asked again every few
     * seconds, and this is false.
     */
    private boolean behindTooLong() {
        long now = System.currentTimeMillis();
        if (directoryBehindSince < 0) {
            return false; // reported already
        }
        if (directoryBehindSince == 0) {
            directoryBehindSince = now;
        }
        if (now - directoryBehindSince >= options.directoryClaimTimeout().toMillis()) {
            directoryBehindSince = -1;
            return true;
        }
        reconnection.schedule(this::askDirectoryAgain, Duration.ofSeconds(2));
        return false;
    }

    private synchronized void askDirectoryAgain() {
        if (directoryBehindSince > 0 && conn.session() != null) {
            conn.session().send(new DirectoryGet(log.number()));
        }
    }

    private void saveMetaQuietly() {
        try {
            state.saveMeta();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not save the directory version the server showed: {0}", e.toString());
        }
    }

    /** A member's message named directory version {@code c}: it must be ours, or one the server shows us soon. */
    private void checkClaim(ChannelLedger.Claim c) {
        long n = c.claim().number();
        if (n <= log.number()) {
            if (!java.util.Arrays.equals(log.headAt(n), c.claim().head())) {
                raise(new Alarm(c.channel(), c.seq(), Alarm.Kind.DIRECTORY_FORK, c.author() + "'s message #" + c.seq()
                        + " in " + c.channel() + " was written under directory version " + n + " with head "
                        + hex(c.claim().head()) + ", yours is " + hex(log.headAt(n))
                        + ": the server shows you and " + c.author() + " different directories"));
            }
            return;
        }
        boolean asked = unresolvedClaims.stream().anyMatch(u -> u.claim().number() >= n);
        unresolvedClaims.add(c);
        if (!asked) {
            if (conn.session() != null) {
                conn.session().send(new DirectoryGet(log.number()));
            }
            reconnection.schedule(this::claimsOverdue, options.directoryClaimTimeout());
        }
    }

    private void resolveClaims() {
        List<ChannelLedger.Claim> waiting = List.copyOf(unresolvedClaims);
        unresolvedClaims.clear();
        for (ChannelLedger.Claim c : waiting) {
            if (c.claim().number() <= log.number()) {
                checkClaim(c);
            } else {
                unresolvedClaims.add(c);
            }
        }
    }

    /** Claims the server has not backed with a version in time: it withholds a version a member holds. */
    private synchronized void claimsOverdue() {
        if (conn instanceof ConnState.Closed) {
            return;
        }
        long deadline = System.currentTimeMillis() - options.directoryClaimTimeout().toMillis() + 500;
        List<ChannelLedger.Claim> waiting = List.copyOf(unresolvedClaims);
        java.util.Set<Long> reported = new java.util.HashSet<>();
        boolean later = false;
        for (ChannelLedger.Claim c : waiting) {
            if (c.seenAt() > deadline) {
                later = true;
            } else {
                unresolvedClaims.remove(c);
                if (!reported.add(c.claim().number())) {
                    continue; // one alarm per withheld version, not one per message naming it
                }
                raise(new Alarm(c.channel(), c.seq(), Alarm.Kind.DIRECTORY_FORK, c.author() + "'s message #" + c.seq()
                        + " in " + c.channel() + " was written under directory version " + c.claim().number()
                        + ", but the server shows you only version " + log.number()
                        + ": it withholds directory versions from you"));
            }
        }
        if (later) {
            reconnection.schedule(this::claimsOverdue, options.directoryClaimTimeout());
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b, 0, 8);
    }

    /**
     * Members whose key the admin revoked are removed from every channel we are a member of
     * (any member may sign that removal); the first removal wins, the rotation follows as
     * after any removal. Already queued removals are not queued twice.
     */
    private void removeRevoked() {
        for (ChannelLedger ledger : List.copyOf(state.ledgers.values())) {
            if (!ledger.isMember(me.name()) || ledger.ownDeparture() != null) {
                continue;
            }
            for (String member : ledger.members()) {
                if (!log.isRevoked(member) || removalQueued(ledger.name, member)) {
                    continue;
                }
                try {
                    if (outbox.waitsFor(ledger.name)) {
                        hold(PendingOp.Kind.REMOVE, ledger.name, member, null);
                    } else {
                        submit(PendingOp.Kind.REMOVE, ledger.name, member, null, ledger, null);
                    }
                    LOG.log(Level.INFO, "removing {0} from {1}: their key was revoked", member, ledger.name);
                } catch (CommandException e) {
                    LOG.log(Level.WARNING, "could not remove revoked {0} from {1}: {2}", member, ledger.name,
                            e.getMessage());
                }
            }
        }
    }

    private boolean removalQueued(String channel, String member) {
        for (PendingOp op : outbox.ops()) {
            if (op.kind() == PendingOp.Kind.REMOVE && op.channel().equals(channel) && member.equals(op.argument())) {
                return true;
            }
        }
        return false;
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
            for (PendingOp op : outbox.ops()) {
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
            if (outbox.waitsFor(channel)) {
                requireInvitable(user);
                return hold(PendingOp.Kind.INVITE, channel, user, tag);
            }
            ChannelLedger ledger = usableChannel(channel);
            requireInvitable(user);
            if (ledger.isMember(user)) {
                throw new CommandException(ErrorCode.ALREADY_MEMBER, user + " is a member of " + channel
                        + " already");
            }
            if (ledger.rotationPending()) {
                ensureRotation(ledger);
                return hold(PendingOp.Kind.INVITE, channel, user, tag);
            }
            return submit(PendingOp.Kind.INVITE, channel, user, null, ledger, tag);
        } catch (CommandException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public synchronized CompletableFuture<Long> send(String channel, String text, String tag) {
        try {
            boolean waits = outbox.waitsFor(channel);
            ChannelLedger ledger = waits ? null : usableChannel(channel);
            if (text == null || text.isEmpty()) {
                throw local("the message is empty");
            }
            int bytes = text.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_TEXT_BYTES) {
                throw new CommandException(ErrorCode.LIMIT_EXCEEDED, "the message is " + bytes
                        + " bytes long; the limit is " + MAX_TEXT_BYTES);
            }
            if (!waits && (ledger.rotationPending() || rotationDue(ledger))) {
                ensureRotation(ledger); // the message is signed after the rotation, under its key
                waits = true;
            }
            return waits ? hold(PendingOp.Kind.SEND, channel, text, tag)
                    : submit(PendingOp.Kind.SEND, channel, text, null, ledger, tag);
        } catch (CommandException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void requireInvitable(String user) throws CommandException {
        if (log.current().user(user).isPresent()) {
            return;
        }
        throw new CommandException(ErrorCode.UNKNOWN_INVITEE, log.isRevoked(user)
                ? user + "'s key was revoked in directory version " + log.revocation(user).orElseThrow().number()
                        + ": they cannot be invited"
                : "there is no user " + user + " in the directory (version " + log.number() + ")");
    }

    private ChannelLedger usableChannel(String channel) throws CommandException {
        ChannelLedger ledger = state.ledgers.get(channel);
        if (ledger == null) {
            throw new CommandException(ErrorCode.NO_SUCH_CHANNEL, "you have no channel " + channel);
        }
        if (ledger.ownDeparture() != null) {
            throw departed(ledger);
        }
        if (!ledger.isMember(me.name()) || ledger.key() == null) {
            throw new CommandException(ErrorCode.NOT_MEMBER, "you are not a member of " + channel);
        }
        return ledger;
    }

    private CompletableFuture<Long> submit(PendingOp.Kind kind, String channel, String argument, byte[] channelKey,
                                           ChannelLedger ledger, String tag) throws CommandException {
        if (conn instanceof ConnState.Closed) {
            throw local("the client is closed");
        }
        if (state.lastUserSeq >= MessageCodec.MAX_SEQ) {
            throw local("this user has used every userSeq the protocol allows");
        }
        long userSeq = state.lastUserSeq + 1;
        byte[] message;
        try {
            message = signer.sign(kind, channel, argument, channelKey, userSeq, ledger);
        } catch (MalformedInputException e) {
            throw local("cannot prepare the message: " + e.getMessage());
        }
        try {
            return outbox.add(new PendingOp(kind, channel, argument, channelKey, userSeq, message), tag);
        } catch (IOException e) {
            throw local("cannot queue the message in the local state: " + e.getMessage());
        }
    }

    /**
     * A signed op whose record in the outbox is durable now (the outbox's group commit),
     * in the order the ops were signed: sent if connected, else at the next replay's end
     * (see {@link #resendPending}).
     */
    private void transmit(PendingOp op) {
        if (conn instanceof ConnState.Ready ready) {
            ready.session().sendEncoded(op.message());
        }
    }

    @Override
    public synchronized CompletableFuture<Long> leave(String channel, String tag) {
        return memberCommand(PendingOp.Kind.LEAVE, channel, me.name(), tag);
    }

    @Override
    public synchronized CompletableFuture<Long> remove(String channel, String user, String tag) {
        return memberCommand(PendingOp.Kind.REMOVE, channel, user, tag);
    }

    @Override
    public synchronized CompletableFuture<Long> makeAdmin(String channel, String user, String tag) {
        return memberCommand(PendingOp.Kind.ADMIN, channel, user, tag);
    }

    /** leave, remove, admin: checked here as the server and every member will check them. */
    private CompletableFuture<Long> memberCommand(PendingOp.Kind kind, String channel, String user, String tag) {
        try {
            if (outbox.waitsFor(channel)) {
                return hold(kind, channel, kind == PendingOp.Kind.LEAVE ? null : user, tag);
            }
            ChannelLedger ledger = usableChannel(channel);
            if (kind != PendingOp.Kind.LEAVE) {
                if (user.equals(me.name())) {
                    throw local(kind == PendingOp.Kind.REMOVE ? "to leave " + channel + " yourself, use leave"
                            : "you are an admin of " + channel + " already");
                }
                if (!ledger.isAdmin(me.name())) {
                    throw new CommandException(ErrorCode.NOT_ADMIN, "only an admin of " + channel + " can "
                            + (kind == PendingOp.Kind.REMOVE ? "remove members" : "make admins") + "; the admins are "
                            + String.join(", ", ledger.admins()));
                }
                if (!ledger.isMember(user)) {
                    throw new CommandException(ErrorCode.BAD_SUBJECT, "channel " + channel + " has no member " + user);
                }
                if (kind == PendingOp.Kind.ADMIN && ledger.isAdmin(user)) {
                    throw new CommandException(ErrorCode.BAD_SUBJECT, "in channel " + channel + ", " + user
                            + " is an admin already");
                }
            }
            return submit(kind, channel, kind == PendingOp.Kind.LEAVE ? null : user, null, ledger, tag);
        } catch (CommandException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public synchronized CompletableFuture<Long> rotate(String channel, String tag) {
        try {
            if (outbox.waitsFor(channel)) {
                ChannelLedger ledger = state.ledgers.get(channel);
                return hold(PendingOp.Kind.ROTATE, channel, PendingOp.ON_DEMAND + " " + (ledger == null ? 0 : ledger.epoch()),
                        ChannelCrypto.newChannelKey(), tag);
            }
            ChannelLedger ledger = usableChannel(channel);
            return submit(PendingOp.Kind.ROTATE, channel, PendingOp.ON_DEMAND + " " + ledger.epoch(),
                    ChannelCrypto.newChannelKey(), ledger, tag);
        } catch (CommandException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Queues a command that waits for an earlier create, invite or rotation of its channel (see {@link #settled}). */
    private CompletableFuture<Long> hold(PendingOp.Kind kind, String channel, String argument, String tag)
            throws CommandException {
        return hold(kind, channel, argument, null, tag);
    }

    private CompletableFuture<Long> hold(PendingOp.Kind kind, String channel, String argument, byte[] channelKey,
                                         String tag) throws CommandException {
        if (conn instanceof ConnState.Closed) {
            throw local("the client is closed");
        }
        try {
            return outbox.add(new PendingOp(kind, channel, argument, channelKey, state.lastUserSeq + 1, null), tag);
        } catch (IOException e) {
            throw local("cannot queue the message in the local state: " + e.getMessage());
        }
    }

    private static CommandException local(String message) {
        return CommandException.local(message);
    }

    @Override
    public synchronized List<ChannelInfo> channels() {
        List<ChannelInfo> out = new ArrayList<>();
        for (ChannelLedger ledger : state.ledgers.values()) {
            out.add(new ChannelInfo(ledger.name, ledger.members(), ledger.admins(), ledger.unread(me.name()),
                    ledger.lastSeq(), ledger.epoch(), ledger.isMember(me.name())));
        }
        return out;
    }

    @Override
    public synchronized java.util.Set<String> online() {
        return java.util.Set.copyOf(online);
    }

    @Override
    public synchronized List<HistoryItem> historyBefore(String channel, long beforeSeq, int limit)
            throws CommandException {
        ChannelLedger ledger = state.ledgers.get(channel);
        if (ledger == null) {
            throw new CommandException(ErrorCode.NO_SUCH_CHANNEL, "you have no channel " + channel);
        }
        return List.copyOf(ledger.history(limit, beforeSeq));
    }

    /**
     * Reads each channel from its newest entry back, a slice at a time, taking the client's
     * lock only for a slice: a search of a long history never stops events for long.
     */
    @Override
    public List<SearchHit> search(String text, int limit) {
        String needle = text.toLowerCase(java.util.Locale.ROOT);
        List<SearchHit> hits = new ArrayList<>();
        List<String> channels;
        synchronized (this) {
            channels = List.copyOf(state.ledgers.keySet());
        }
        for (String channel : channels) {
            long before = Long.MAX_VALUE;
            while (true) {
                List<HistoryItem> slice;
                try {
                    slice = historyBefore(channel, before, SEARCH_SLICE);
                } catch (CommandException e) {
                    break; // gone meanwhile
                }
                for (HistoryItem item : slice) {
                    if (item instanceof HistoryItem.Text t && t.text().toLowerCase(java.util.Locale.ROOT).contains(needle)) {
                        hits.add(new SearchHit(channel, t));
                    }
                }
                if (limit > 0 && hits.size() > 4 * limit) { // keep memory bounded: only the newest can be returned
                    hits.sort(java.util.Comparator.comparing((SearchHit h) -> h.item().timestamp()));
                    hits.subList(0, hits.size() - limit).clear();
                }
                if (slice.size() < SEARCH_SLICE || slice.getFirst().seq() <= 1) {
                    break;
                }
                before = slice.getFirst().seq();
            }
        }
        hits.sort(java.util.Comparator.comparing((SearchHit h) -> h.item().timestamp())
                .thenComparing(SearchHit::channel).thenComparingLong(h -> h.item().seq()));
        return limit > 0 && hits.size() > limit ? List.copyOf(hits.subList(hits.size() - limit, hits.size()))
                : List.copyOf(hits);
    }

    private static final int SEARCH_SLICE = 256;

    @Override
    public synchronized List<HistoryItem> history(String channel, int limit) throws CommandException {
        ChannelLedger ledger = state.ledgers.get(channel);
        if (ledger == null) {
            throw new CommandException(ErrorCode.NO_SUCH_CHANNEL, "you have no channel " + channel);
        }
        return List.copyOf(ledger.history(limit));
    }

    @Override
    public synchronized void markRead(String channel) {
        ChannelLedger ledger = state.ledgers.get(channel);
        if (ledger != null && ledger.readUpTo != ledger.lastSeq()) {
            ledger.markRead(ledger.lastSeq());
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
        return conn instanceof ConnState.Ready;
    }

    @Override
    public synchronized int pendingCount() {
        return outbox.size();
    }

    @Override
    public boolean awaitPending(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (!outbox.isEmpty()) {
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
            if (conn instanceof ConnState.Closed) {
                return;
            }
            s = conn.session();
            conn = new ConnState.Closed();
            notifyAll();
        }
        reconnection.shutdown();
        if (s != null) {
            s.close();
        }
        outbox.close(); // no fsync of the outbox runs any more: the state closes (and syncs) below
        synchronized (this) {
            state.close();
        }
        events.close();
        me.destroy();
    }
}
