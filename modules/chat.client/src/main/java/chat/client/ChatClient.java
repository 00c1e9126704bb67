package chat.client;

import chat.client.internal.ClientCore;
import chat.protocol.identity.Directory;
import chat.protocol.identity.UserBundle;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A logged-in user: does all the work (connection, handshake, verification, local state,
 * reconnection, the offline queue), emits {@link ClientEvent}s in order on one thread and
 * never prints. Frontends only show things and pass on what the person or script wants.
 *
 * <p>Commands return futures that complete with the entry's channelSeq when the server's
 * echo (the acknowledgement) arrives, or fail with {@link CommandException}. Commands
 * given while disconnected are queued (durably) and sent in order, exactly once, after
 * the next reconnection. An invite or send given while a create or invite of the same
 * channel is still unanswered waits (durably) in that queue and is signed and sent once
 * that one is acknowledged, or fails with the same code if it is refused; so a frontend
 * may give createChannel, invite and send back to back.
 */
public interface ChatClient extends AutoCloseable {

    /** The longest message text the client sends, in UTF-8 bytes; a longer one is refused. */
    int MAX_TEXT_BYTES = 64 * 1024;

    /**
     * Unlocks the user's key with {@code password}, opens this device's state, connects,
     * authenticates, resumes from what this device already holds and waits for the
     * replay. Returns once ready; events for entries new to this device have been emitted.
     * Events reach {@code listener} on one thread, in order; if it is also a
     * {@link java.io.Flushable}, its {@code flush} runs on that thread whenever no further
     * event waits, so that a frontend may buffer what it writes per event (a replay of
     * thousands of entries) and write it out then.
     */
    static ChatClient login(UserBundle bundle, char[] password, ClientOptions options, Consumer<ClientEvent> listener)
            throws LoginException {
        return ClientCore.login(bundle, password, options, listener);
    }

    String user();

    /** The users valid in the newest directory version this device holds (it follows new versions). */
    Directory directory();

    /** The newest directory version this device holds. */
    long directoryVersion();

    /**
     * What the directory says about {@code user}: fingerprint, when the key entered, revoked
     * or not, and whether you marked it verified. Fails for a name the directory never held.
     */
    Whois whois(String user) throws CommandException;

    /**
     * Records, in this device's state, that you compared {@code user}'s fingerprint with them
     * out of band. The mark belongs to this key: if the key changes, the user is unverified again.
     */
    Whois verify(String user) throws CommandException;

    /**
     * Creates a channel. {@code tag} (may be null) comes back on the {@link ClientEvent}
     * this command causes, so a frontend can tell which command an event answers. The
     * future completes on the event thread, after that event.
     */
    CompletableFuture<Long> createChannel(String channel, String tag);

    CompletableFuture<Long> invite(String channel, String user, String tag);

    CompletableFuture<Long> send(String channel, String text, String tag);

    /**
     * Leaves a channel: the remaining members rotate to a key you never get; the channel
     * stays here as read-only history.
     */
    CompletableFuture<Long> leave(String channel, String tag);

    /** Removes {@code user} from a channel (admins only); then the key is rotated. */
    CompletableFuture<Long> remove(String channel, String user, String tag);

    /** Makes member {@code user} an admin of a channel (admins only). */
    CompletableFuture<Long> makeAdmin(String channel, String user, String tag);

    /** Rotates the channel's key now: a new epoch, its key wrapped to every member. */
    CompletableFuture<Long> rotate(String channel, String tag);

    default CompletableFuture<Long> createChannel(String channel) {
        return createChannel(channel, null);
    }

    default CompletableFuture<Long> invite(String channel, String user) {
        return invite(channel, user, null);
    }

    default CompletableFuture<Long> send(String channel, String text) {
        return send(channel, text, null);
    }

    /** Channels this device knows, by name, with members and unread counts. */
    List<ChannelInfo> channels();

    /** The newest {@code limit} entries of a channel (all if limit <= 0), oldest first. */
    List<HistoryItem> history(String channel, int limit) throws CommandException;

    /**
     * The newest {@code limit} entries of a channel before entry {@code beforeSeq}, oldest
     * first: for paging back through a long history, read from this device's disk.
     */
    List<HistoryItem> historyBefore(String channel, long beforeSeq, int limit) throws CommandException;

    /**
     * The messages on this device whose text contains {@code text} (ignoring case), in every
     * channel, oldest first; the newest {@code limit} of them (all if limit <= 0). Local
     * only: the server is not asked and learns nothing.
     */
    List<SearchHit> search(String text, int limit);

    /** A message found by {@link #search}, with its channel. */
    record SearchHit(String channel, HistoryItem.Text item) {
    }

    /**
     * The users who share a channel with you and are connected to the server now, as it
     * reports them; empty while disconnected, or with a server that does not report presence.
     */
    default java.util.Set<String> online() {
        return java.util.Set.of();
    }

    /** Marks everything in the channel as read. */
    void markRead(String channel);

    boolean connected();

    /**
     * True when queued commands are kept on disk and survive a restart; false for a second
     * client on the same bundle at the same time (the first holds the state folder), whose
     * queue lives in memory only.
     */
    default boolean queuesDurably() {
        return true;
    }

    /** Commands sent or queued and not yet acknowledged. */
    int pendingCount();

    /** Waits until every queued command is acknowledged or refused; false on timeout. */
    boolean awaitPending(Duration timeout) throws InterruptedException;

    /** Every alarm raised since login, oldest first. */
    List<Alarm> alarms();

    /** Disconnects and closes the local state; queued commands stay queued for the next start. */
    @Override
    void close();
}
