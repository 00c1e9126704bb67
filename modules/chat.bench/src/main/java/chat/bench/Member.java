package chat.bench;

import chat.crypto.MalformedInputException;
import chat.protocol.AddUser;
import chat.protocol.Comms;
import chat.protocol.Entries;
import chat.protocol.ErrorMessage;
import chat.protocol.Message;
import chat.protocol.ProtocolException;
import chat.protocol.identity.IdentityKeys;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One client of a traffic run: its connection, the channels it is in, its sender loop and
 * what its reader saw. Each counter has one writer (sent and signedLive the sender thread,
 * the rest the reader thread) and is an atomic so that the main thread can sample it.
 *
 * <p>Flow control is a window of unacknowledged messages: the sender takes a permit per
 * message and the reader returns it when the echo (or an error naming the message) comes
 * back. With no rate this is a closed loop, the way throughput is measured; with a rate
 * the sender also keeps to a schedule, and the window only bounds a backlog.
 */
final class Member implements BenchClient.Listener {

    final int index;
    final IdentityKeys keys;
    final List<BenchChannel> channels = new ArrayList<>();
    final Semaphore window;
    final AtomicLong userSeq = new AtomicLong();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong deliveries = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong unmatched = new AtomicLong();
    final AtomicLong outOfOrder = new AtomicLong();
    /** Messages signed while sending, once the pre-signed ones ran out. */
    final AtomicLong signedLive = new AtomicLong();
    /** Setup requests waiting for their echo, by userSeq. */
    final Map<Long, CompletableFuture<byte[]>> awaiting = new ConcurrentHashMap<>();
    /** The last channelSeq received per channel. */
    final Map<String, Long> lastSeq = new ConcurrentHashMap<>();
    volatile Exception lost;
    BenchClient client;
    private final Load load;
    private final CommsScan scan = new CommsScan();
    private byte[][] presigned = new byte[0][];
    private long[] presignedSeq = new long[0];

    Member(int index, Load load, int window) {
        this.index = index;
        this.keys = load.population.keys(index);
        this.load = load;
        this.window = new Semaphore(window);
    }

    // ------------------------------------------------------------------ reader thread

    @Override
    public void onFrame(BenchClient from, byte[] json) {
        if (scan.scan(json)) {
            delivered(scan.channel, scan.channelSeq, scan.userID, scan.userSeq, json);
            return;
        }
        Message m;
        try {
            m = load.codec.decode(json);
        } catch (ProtocolException e) {
            load.sampleError(keys.name() + " received an undecodable frame: " + e.getMessage());
            return;
        }
        switch (m) {
            case AddUser a -> {
                noteSeq(a.channelID(), a.stamp().channelSeq());
                if (a.inviter().equals(keys.name())) {
                    echoed(a.userSeq(), json);
                }
            }
            case Comms c -> delivered(c.channelID(), c.stamp().channelSeq(), c.userID(), c.userSeq(), json);
            case ErrorMessage e -> rejected(e);
            default -> {
                // pong, a late replayFinished: nothing to count
            }
        }
    }

    private void delivered(String channel, long channelSeq, String sender, long senderSeq, byte[] json) {
        deliveries.incrementAndGet();
        noteSeq(channel, channelSeq);
        int from = load.population.indexOf(sender);
        if (from >= 0 && from < load.firstFlooder) {
            long at = load.sendTimes.sentAt(from, senderSeq);
            if (at == Long.MIN_VALUE) {
                unmatched.incrementAndGet();
            } else {
                load.latency.record((System.nanoTime() - at) / 1000);
            }
        }
        if (from == index) {
            accepted.incrementAndGet();
            echoed(senderSeq, json);
            window.release();
        }
    }

    private void noteSeq(String channel, long seq) {
        Long last = lastSeq.put(channel, seq);
        if (last != null && seq != last + 1) {
            outOfOrder.incrementAndGet();
        }
    }

    private void echoed(long seq, byte[] json) {
        if (!awaiting.isEmpty()) {
            CompletableFuture<byte[]> f = awaiting.remove(seq);
            if (f != null) {
                f.complete(json);
            }
        }
    }

    private void rejected(ErrorMessage e) {
        rejected.incrementAndGet();
        load.sampleError(keys.name() + ": " + e.code().wireName() + ": " + e.message());
        if (e.userSeq() != null) {
            CompletableFuture<byte[]> f = awaiting.remove(e.userSeq());
            if (f != null) {
                f.completeExceptionally(new IOException(e.code().wireName() + ": " + e.message()));
            } else {
                window.release();
            }
        }
    }

    @Override
    public void onLost(BenchClient from, Exception cause) {
        lost = cause;
        load.sampleError(keys.name() + ": connection lost: " + cause);
        window.release(1 << 20); // wake the sender, which then finds the connection closed
    }

    // ------------------------------------------------------------------ setup

    /** Sends an entry and waits for its echo; returns the entry as the server delivered it. */
    byte[] request(Message entry, long seq) throws IOException, InterruptedException {
        CompletableFuture<byte[]> echo = new CompletableFuture<>();
        awaiting.put(seq, echo);
        client.send(load.codec.encode(entry));
        try {
            return echo.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(keys.name() + ": " + entry.type() + " refused: " + e.getCause().getMessage(), e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException(keys.name() + ": no echo of " + entry.type() + " userSeq " + seq + " within 60 s", e);
        }
    }

    // ------------------------------------------------------------------ sender thread

    /**
     * Signs {@code count} messages ahead, round-robin over this member's channels, with the
     * next userSeqs. Signing is the client's work, not the server's: done before the run,
     * it leaves the shared cores to the server while it is measured.
     */
    void presign(int count) throws MalformedInputException {
        presigned = new byte[count][];
        presignedSeq = new long[count];
        for (int i = 0; i < count; i++) {
            BenchChannel ch = channels.get(i % channels.size());
            long seq = userSeq.incrementAndGet();
            presigned[i] = load.codec.encode(Entries.comms(keys.signing(), ch.name, 0, keys.name(), seq, ch.view, ch.key,
                    load.text));
            presignedSeq[i] = seq;
        }
    }

    /**
     * Sends until the run stops: round-robin over this member's channels, one signed comms
     * per window permit, at most one per {@code intervalNanos} if that is positive.
     */
    void sendLoop(long intervalNanos, long firstDue) {
        long due = firstDue;
        int next = presigned.length;
        int ready = 0;
        try {
            while (load.running && lost == null) {
                if (intervalNanos > 0) {
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                        continue; // re-check the time (and the switches) after a wake-up
                    }
                    due += intervalNanos;
                }
                window.acquire();
                if (!load.running || lost != null) {
                    return;
                }
                byte[] json;
                long seq;
                if (ready < presigned.length) {
                    json = presigned[ready];
                    seq = presignedSeq[ready];
                    presigned[ready++] = null;
                } else {
                    BenchChannel ch = channels.get(next++ % channels.size());
                    seq = userSeq.incrementAndGet();
                    json = load.codec.encode(Entries.comms(keys.signing(), ch.name, 0, keys.name(), seq, ch.view, ch.key,
                            load.text));
                    signedLive.incrementAndGet();
                }
                load.sendTimes.sent(index, seq, System.nanoTime());
                client.send(json);
                sent.incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            if (load.running) {
                load.sampleError(keys.name() + ": send failed: " + e);
            }
        } catch (MalformedInputException e) {
            throw new IllegalStateException("a generated channel key was refused", e);
        }
    }
}
