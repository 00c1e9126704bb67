package chat.server.internal;

import chat.protocol.ChannelHead;
import chat.protocol.DirectoryUpdate;
import chat.protocol.Expired;
import chat.protocol.ReplayFinished;
import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.DirectoryVersion;
import chat.protocol.wire.FrameSealer;
import chat.storage.EntryCursor;
import chat.storage.EntryKind;
import chat.storage.StoredEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

/**
 * The one thread that writes to a connection after the handshake: it seals every frame
 * (so the frame counter stays in order) and batches what is queued into few writes.
 *
 * <p>Ordering invariant: a channel's entries reach the client in channelSeq order, each
 * once. A channel is "live" for this connection only after its replay ran; live entries
 * for other channels are dropped, which loses nothing, because an entry is queued only
 * after it is durable and the replay, which runs later, reads every durable entry.
 * Entries at or below the last one sent are duplicates of the replay and are dropped.
 * A departed user's replay ends at the departure, and {@link Delivery} queues nothing
 * later of that channel for them, so replayFinished names the departure as the head.
 *
 * <p>Directory invariant: once the client has asked for the directory, it is sent every
 * version an entry may depend on before the entry. Live entries are queued behind the
 * push of any log loaded before they were accepted ({@link Roster}); a replay reads what
 * is durable when it runs, possibly entries accepted after a push queued behind it, so
 * the writer first sends any newer log it has not sent.
 */
final class ConnectionWriter implements Runnable {

    private static final System.Logger LOG = System.getLogger("chat.server");
    /** Largest directory message the server sends: well under the 1 MiB a client's frame may hold. */
    static final int DIRECTORY_BATCH_BYTES = 256 * 1024;

    private final Connection conn;
    private final BlockingQueue<Outgoing> queue;
    private final FrameSealer sealer;
    private final OutputStream out;
    private final FrameBuffer buffer = new FrameBuffer();
    private final Map<String, Long> lastSent = new HashMap<>();
    private final Map<String, byte[]> lastHead = new HashMap<>();
    /** The log this connection was last sent versions of (null until it asks), and the newest number sent. */
    private DirectoryLog sentLog;
    private long sentNumber;

    ConnectionWriter(Connection conn, BlockingQueue<Outgoing> queue, FrameSealer sealer, OutputStream out) {
        this.conn = conn;
        this.queue = queue;
        this.sealer = sealer;
        this.out = out;
    }

    @Override
    public void run() {
        try {
            while (true) {
                Outgoing item = queue.take();
                conn.dequeued(item);
                boolean more = handle(item);
                Outgoing next;
                while (more && buffer.size() < FrameBuffer.FLUSH_AT && (next = queue.poll()) != null) {
                    conn.dequeued(next);
                    more = handle(next);
                }
                buffer.writeTo(out);
                if (!more) {
                    conn.outputDone();
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            conn.writeFailed(e);
        } catch (RuntimeException e) {
            // A replay that cannot read the journal (a disk error, or the store closed under a
            // replay at shutdown): end the connection instead of leaving it without a writer.
            LOG.log(Level.WARNING, "{0}: write failed: {1}", conn.peer(), e.toString());
            conn.abort();
        }
    }

    /** Handles one item; false when the connection is to end. */
    private boolean handle(Outgoing item) throws IOException {
        switch (item) {
            case Outgoing.Frame f -> send(f.json());
            case Outgoing.Entry e -> {
                StoredEntry entry = e.entry();
                Long last = lastSent.get(entry.channel());
                if (last != null && entry.seq() > last) {
                    send(entry.payload());
                    lastSent.put(entry.channel(), entry.seq());
                    lastHead.put(entry.channel(), entry.head());
                }
            }
            case Outgoing.ReplayChannel r -> {
                if (sentLog != null) {
                    pushDirectory();
                }
                replay(r.channel(), r.afterSeq());
            }
            case Outgoing.DirectoryFrom d -> {
                DirectoryLog log = conn.hub().roster.log();
                sendDirectory(log, Math.max(1, Math.min(d.number(), log.number())));
            }
            case Outgoing.DirectoryPush p -> pushDirectory();
            case Outgoing.ReplayDone d -> {
                Map<String, ChannelHead> heads = new LinkedHashMap<>();
                lastSent.forEach((channel, seq) -> heads.put(channel, new ChannelHead(seq, lastHead.get(channel))));
                send(conn.codec().encode(new ReplayFinished(d.userSeq(), heads)));
            }
            case Outgoing.Close c -> {
                if (c.json() != null) {
                    send(c.json());
                }
                return false;
            }
        }
        return true;
    }

    private void replay(String channel, long afterSeq) throws IOException {
        DurableHead head = conn.hub().replayEnd(channel, conn.user().name());
        long from = Math.min(Math.max(afterSeq, lastSent.getOrDefault(channel, 0L)), head.seq());
        EntryCursor opened;
        try {
            opened = conn.hub().store.read(channel, from, head.seq());
        } catch (IllegalStateException closedAtShutdown) {
            // The journal closed under a replay queued during shutdown: skip it; the client
            // replays this channel from its cursor after the restart. What follows
            // (shuttingDown) still goes out.
            return;
        }
        try (EntryCursor cursor = opened) {
            StoredEntry runStart = null; // a run of expired messages goes out as one placeholder
            StoredEntry runEnd = null;
            while (cursor.hasNext()) {
                StoredEntry entry = cursor.next();
                if (entry.kind() == EntryKind.EXPIRED) {
                    runStart = runStart == null ? entry : runStart;
                    runEnd = entry;
                    continue;
                }
                if (runStart != null) {
                    sendExpired(runStart, runEnd);
                    runStart = null;
                }
                send(entry.payload());
                if (buffer.size() >= FrameBuffer.FLUSH_AT) {
                    buffer.writeTo(out);
                }
            }
            if (runStart != null) {
                sendExpired(runStart, runEnd);
            }
        }
        lastSent.put(channel, head.seq());
        lastHead.put(channel, head.head());
    }

    private void sendExpired(StoredEntry first, StoredEntry last) {
        send(conn.codec().encode(new Expired(first.channel(), first.seq(), last.seq(), last.head(), last.timestamp())));
    }

    /** Sends what changed since the log last sent, if the server holds another one now. */
    private void pushDirectory() throws IOException {
        DirectoryLog log = conn.hub().roster.log();
        if (log != sentLog) {
            // From the newest version the client holds, so it can compare it; from the new
            // newest if the log is shorter now (a rollback on disk, which the client alarms about).
            sendDirectory(log, Math.max(1, Math.min(sentNumber, log.number())));
        }
    }

    /**
     * Sends versions {@code from} to the newest in directory messages of at most
     * {@link #DIRECTORY_BATCH_BYTES} (one version alone may exceed it).
     */
    private void sendDirectory(DirectoryLog log, long from) throws IOException {
        List<DirectoryVersion> batch = new ArrayList<>();
        long bytes = 0;
        for (DirectoryVersion v : log.versionsFrom(from)) {
            long size = conn.codec().encode(new DirectoryUpdate(List.of(v))).length;
            if (!batch.isEmpty() && bytes + size > DIRECTORY_BATCH_BYTES) {
                sendBatch(batch);
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(v);
            bytes += size;
        }
        sendBatch(batch);
        sentLog = log;
        sentNumber = log.number();
    }

    private void sendBatch(List<DirectoryVersion> batch) throws IOException {
        send(conn.codec().encode(new DirectoryUpdate(batch)));
        if (buffer.size() >= FrameBuffer.FLUSH_AT) {
            buffer.writeTo(out);
        }
    }

    private void send(byte[] json) {
        buffer.frame(sealer.seal(json));
    }
}
