package chat.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Entries with recognisable contents, and synchronous appends for tests. */
final class Fixtures {

    private Fixtures() {
    }

    static byte[] head(String channel, long seq) {
        byte[] head = new byte[StoredEntry.HEAD_BYTES];
        ByteBuffer.wrap(head).putLong(seq).putInt(channel.hashCode());
        return head;
    }

    static byte[] payload(String channel, long seq, int size) {
        byte[] payload = new byte[size];
        byte[] tag = (channel + "#" + seq + ";").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < size; i++) {
            payload[i] = tag[i % tag.length];
        }
        return payload;
    }

    static StoredEntry create(String channel, String creator, long userSeq) {
        return new StoredEntry(channel, 1, 1_700_000_000_000L, EntryKind.CREATE, creator, creator, userSeq,
                head(channel, 1), payload(channel, 1, 40));
    }

    static StoredEntry invite(String channel, long seq, String inviter, String invitee, long userSeq) {
        return new StoredEntry(channel, seq, 1_700_000_000_000L + seq, EntryKind.INVITE, inviter, invitee, userSeq,
                head(channel, seq), payload(channel, seq, 60));
    }

    static StoredEntry message(String channel, long seq, String sender, long userSeq, int payloadBytes) {
        return new StoredEntry(channel, seq, 1_700_000_000_000L + seq, EntryKind.MESSAGE, sender, null, userSeq,
                head(channel, seq), payload(channel, seq, payloadBytes));
    }

    /** A channel created by alice followed by {@code messages} messages by alice. */
    static List<StoredEntry> channel(String channel, int messages, int payloadBytes) {
        List<StoredEntry> entries = new ArrayList<>();
        entries.add(create(channel, "alice", 1));
        for (int i = 0; i < messages; i++) {
            entries.add(message(channel, i + 2, "alice", i + 2, payloadBytes));
        }
        return entries;
    }

    /** Appends all entries and waits until each is durable. */
    static void appendAll(EntryStore store, List<StoredEntry> entries) throws Exception {
        List<CompletableFuture<StoredEntry>> done = new ArrayList<>();
        for (StoredEntry entry : entries) {
            done.add(append(store, entry));
        }
        for (var future : done) {
            future.get(60, TimeUnit.SECONDS);
        }
    }

    static CompletableFuture<StoredEntry> append(EntryStore store, StoredEntry entry) {
        CompletableFuture<StoredEntry> future = new CompletableFuture<>();
        store.append(entry, new AppendCallback() {
            @Override
            public void durable(StoredEntry e) {
                future.complete(e);
            }

            @Override
            public void failed(StoredEntry e, StorageException cause) {
                future.completeExceptionally(cause);
            }
        });
        return future;
    }

    static List<StoredEntry> readAll(EntryStore store, String channel, long afterSeq, long toSeq) {
        List<StoredEntry> out = new ArrayList<>();
        try (EntryCursor cursor = store.read(channel, afterSeq, toSeq)) {
            cursor.forEachRemaining(out::add);
        }
        return out;
    }
}
