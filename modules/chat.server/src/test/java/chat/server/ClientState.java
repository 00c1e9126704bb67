package chat.server;

import chat.crypto.CryptoException;
import chat.protocol.AddUser;
import chat.protocol.ChainHash;
import chat.protocol.ChannelEntry;
import chat.protocol.ChannelCrypto;
import chat.protocol.Comms;
import chat.protocol.Entries;
import chat.protocol.MemberChange;
import chat.protocol.Rotate;
import chat.protocol.Message;
import chat.protocol.View;
import chat.protocol.identity.IdentityKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one device of one user keeps between connections, like a client's local store:
 * its last userSeq, and per channel the entries received, the chain head computed from
 * them and the channel key. Every entry received is checked the way a client must check
 * it: the next channelSeq, a valid signature (against the directory), a readable text
 * under its epoch's key (keys come from the invitation and from rotates).
 * Anything wrong is recorded in {@link #problems}; tests assert there are none.
 * Thread-safe: guarded by this object's monitor; waits are bounded.
 */
public final class ClientState {

    /** One entry as received, with the head after it and (for comms) its decrypted text. */
    public record Received(ChannelEntry entry, byte[] canonical, byte[] headAfter, String text) {

        public long seq() {
            return entry.stamp().channelSeq();
        }

        public String author() {
            return entry.author();
        }

        public long userSeq() {
            return entry.userSeq();
        }
    }

    public static final class Channel {
        final String name;
        long seq;
        byte[] head;
        byte[] key;
        long epoch;
        /** Every epoch's key this device holds: from its invitation, rotates, and their previousKey chain. */
        final Map<Long, byte[]> keys = new TreeMap<>();
        final List<Received> entries = new ArrayList<>();

        Channel(String name) {
            this.name = name;
            this.head = ChainHash.genesis(name);
        }
    }

    public final IdentityKeys me;
    private final java.util.function.Supplier<chat.protocol.identity.Directory> directory;
    private long userSeq;
    private final Map<String, Channel> channels = new TreeMap<>();
    private final Set<Long> acked = new HashSet<>();
    public final List<String> problems = new ArrayList<>();

    public ClientState(IdentityKeys me, chat.protocol.identity.Directory directory) {
        this(me, () -> directory);
    }

    /** A state that checks signatures against whatever directory {@code directory} gives now (one that changes). */
    public ClientState(IdentityKeys me, java.util.function.Supplier<chat.protocol.identity.Directory> directory) {
        this.me = me;
        this.directory = directory;
    }

    public String user() {
        return me.name();
    }

    public synchronized long nextUserSeq() {
        return ++userSeq;
    }

    public synchronized void atLeastUserSeq(long seq) {
        userSeq = Math.max(userSeq, seq);
    }

    public synchronized View view(String channel) {
        Channel c = channel(channel);
        return new View(c.seq, c.head.clone());
    }

    public synchronized byte[] key(String channel) {
        return channel(channel).key;
    }

    public synchronized void setKey(String channel, byte[] key) {
        Channel c = channel(channel);
        c.key = key;
        c.keys.put(c.epoch, key);
    }

    /** The channel's current key epoch as this device has seen it. */
    public synchronized long epoch(String channel) {
        return channel(channel).epoch;
    }

    public synchronized long seq(String channel) {
        Channel c = channels.get(channel);
        return c == null ? 0 : c.seq;
    }

    public synchronized byte[] head(String channel) {
        Channel c = channels.get(channel);
        return c == null ? null : c.head.clone();
    }

    public synchronized List<Received> entries(String channel) {
        Channel c = channels.get(channel);
        return c == null ? List.of() : List.copyOf(c.entries);
    }

    public synchronized Set<String> channelNames() {
        return Set.copyOf(channels.keySet());
    }

    /** Cursors for sync: the last channelSeq held per channel. */
    public synchronized Map<String, Long> cursors() {
        Map<String, Long> out = new LinkedHashMap<>();
        channels.forEach((name, c) -> {
            if (c.seq > 0) {
                out.put(name, c.seq);
            }
        });
        return out;
    }

    public synchronized Set<Long> acked() {
        return Set.copyOf(acked);
    }

    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    private Channel channel(String name) {
        return channels.computeIfAbsent(name, Channel::new);
    }

    /** Called by the connection's reader for an expired run: adopts the server's head after it, as a new device does. */
    public synchronized void expired(chat.protocol.Expired e) {
        Channel c = channel(e.channelID());
        if (e.fromSeq() != c.seq + 1) {
            problems.add(user() + ": " + e.channelID() + " expired run " + e.fromSeq() + ".." + e.toSeq() + " after " + c.seq);
        }
        c.seq = e.toSeq();
        c.head = e.head().clone();
        notifyAll();
    }

    /** Called by the connection's reader for every entry received. */
    public synchronized void received(ChannelEntry entry, byte[] raw) {
        String channel = entry.channelID();
        long seq = entry.stamp() == null ? -1 : entry.stamp().channelSeq();
        Channel c = channel(channel);
        if (seq != c.seq + 1) {
            problems.add(user() + ": " + channel + " entry " + seq + " after " + c.seq);
        }
        String author = entry.author();
        var signer = directory.get().user(author).orElse(null);
        if (signer == null || !Entries.verify(entry, signer.signingKey())) {
            problems.add(user() + ": " + channel + " entry " + seq + " signature does not verify for " + author);
        }
        String text = null;
        switch (entry) {
            case AddUser a -> {
                if (a.invitee().equals(user())) {
                    try {
                        c.key = ChannelCrypto.unwrapKey(a, me.agreement());
                        c.epoch = a.epoch();
                        c.keys.put(a.epoch(), c.key);
                        earlierKeys(c);
                        decryptEarlier(c);
                    } catch (CryptoException e) {
                        problems.add(user() + ": " + channel + " cannot unwrap its key: " + e.getMessage());
                    }
                }
            }
            case Rotate r -> {
                c.epoch = r.epoch();
                if (r.keys().containsKey(user())) {
                    try {
                        c.key = ChannelCrypto.unwrapKey(r, user(), me.agreement());
                        c.keys.put(r.epoch(), c.key);
                        if (!c.keys.containsKey(r.epoch() - 1)) {
                            c.keys.put(r.epoch() - 1, ChannelCrypto.openPrevious(c.key, r));
                        }
                    } catch (CryptoException e) {
                        problems.add(user() + ": " + channel + " cannot unwrap the key of epoch " + r.epoch() + ": "
                                + e.getMessage());
                    }
                } else {
                    c.key = null; // rotated away from us: we hold no key for what follows
                }
            }
            case Comms m -> {
                byte[] key = c.keys.get(m.epoch());
                try {
                    text = key == null ? null : ChannelCrypto.openText(key, m);
                } catch (CryptoException e) {
                    problems.add(user() + ": " + channel + " entry " + seq + " does not decrypt: " + e.getMessage());
                }
            }
            case MemberChange m -> {
            }
        }
        byte[] before = c.head;
        c.head = ChainHash.next(before, entry);
        if (!Arrays.equals(c.head, ChainHash.next(before, raw))) {
            problems.add(user() + ": " + channel + " entry " + seq + " was not sent in canonical form");
        }
        c.seq = seq;
        Received r = new Received(entry, raw, c.head, text);
        c.entries.add(r);
        if (author.equals(user())) {
            acked.add(r.userSeq());
            userSeq = Math.max(userSeq, r.userSeq());
        }
        notifyAll();
    }

    /** Walks back through the rotates held, newest first, opening each one's previousKey. */
    private void earlierKeys(Channel c) throws CryptoException {
        for (Received r : c.entries.reversed()) {
            if (r.entry() instanceof Rotate rotate && c.keys.containsKey(rotate.epoch())
                    && !c.keys.containsKey(rotate.epoch() - 1)) {
                c.keys.put(rotate.epoch() - 1, ChannelCrypto.openPrevious(c.keys.get(rotate.epoch()), rotate));
            }
        }
    }

    /** An invitee gets the key with its invitation, after the history it replays: read that history now. */
    private void decryptEarlier(Channel c) {
        for (int i = 0; i < c.entries.size(); i++) {
            Received r = c.entries.get(i);
            if (r.entry() instanceof Comms m && r.text() == null && c.keys.containsKey(m.epoch())) {
                try {
                    c.entries.set(i, new Received(m, r.canonical(), r.headAfter(),
                            ChannelCrypto.openText(c.keys.get(m.epoch()), m)));
                } catch (CryptoException e) {
                    problems.add(user() + ": " + c.name + " entry " + r.seq() + " does not decrypt: " + e.getMessage());
                }
            }
        }
    }

    /** Waits until the channel has reached {@code seq}; false on timeout. */
    public synchronized boolean awaitSeq(String channel, long seq, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (seq(channel) < seq) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Waits until our own entry with {@code userSeq} was echoed; false on timeout. */
    public synchronized boolean awaitAck(long userSeq, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!acked.contains(userSeq)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Waits until {@code n} of our own entries were echoed; false on timeout. */
    public synchronized boolean awaitAckCount(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acked.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
