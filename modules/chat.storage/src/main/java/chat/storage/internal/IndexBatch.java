package chat.storage.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Index entries gathered over a batch of records, grouped by channel. The seqs of one
 * channel within a batch are consecutive (appends are contiguous per channel), so each
 * channel's entries go to its index file in one positional write.
 */
final class IndexBatch {

    private static final class Run {
        final long firstSeq;
        ByteBuffer entries = ByteBuffer.allocate(4 * Location.BYTES);

        Run(long firstSeq) {
            this.firstSeq = firstSeq;
        }

        void add(Location location) {
            if (!entries.hasRemaining()) {
                entries = ByteBuffer.allocate(entries.capacity() * 2).put(entries.flip());
            }
            location.writeTo(entries);
        }
    }

    private final Map<String, Run> runs = new LinkedHashMap<>();
    private int size;

    void add(String channel, long seq, Location location) {
        runs.computeIfAbsent(channel, c -> new Run(seq)).add(location);
        size++;
    }

    int size() {
        return size;
    }

    void writeTo(IndexFiles files) throws IOException {
        for (var run : runs.entrySet()) {
            files.write(run.getKey(), run.getValue().firstSeq, run.getValue().entries.flip());
        }
        runs.clear();
        size = 0;
    }
}
