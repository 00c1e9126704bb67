package chat.storage;

import java.nio.file.Path;

/**
 * Child-process program for the bounded-memory test: reads a whole channel through a
 * cursor, checking each entry, and prints how many it read.
 */
public final class ChannelReader {

    public static void main(String[] args) throws Exception {
        String channel = args[1];
        int payloadBytes = Integer.parseInt(args[2]);
        long count = 0;
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(Path.of(args[0])));
             EntryCursor cursor = store.read(channel, 0, Long.MAX_VALUE)) {
            while (cursor.hasNext()) {
                StoredEntry e = cursor.next();
                count++;
                if (e.seq() != count || (count > 1 && e.payload().length != payloadBytes)
                        || (count % 1000 == 0 && !e.equals(Fixtures.message(channel, count, "alice", count, payloadBytes)))) {
                    throw new AssertionError("unexpected entry " + e + " at " + count);
                }
            }
        }
        System.out.println(count);
    }
}
