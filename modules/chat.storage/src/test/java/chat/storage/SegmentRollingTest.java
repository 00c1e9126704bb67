package chat.storage;

import static chat.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentRollingTest {

    private static final long SEGMENT_BYTES = 2048;

    @TempDir
    Path dir;

    private StoreOptions options() {
        return StoreOptions.defaults(dir).withSegmentBytes(SEGMENT_BYTES).withMaxBatchEntries(5);
    }

    /** Three channels interleaved, with payloads from 0 bytes to more than a segment. */
    private static List<StoredEntry> interleaved() {
        List<StoredEntry> all = new ArrayList<>();
        for (String channel : List.of("a", "b", "c")) {
            all.add(create(channel, "alice", all.size() + 1));
        }
        for (int seq = 2; seq <= 100; seq++) {
            for (String channel : List.of("a", "b", "c")) {
                int payload = seq == 50 ? 5000 : (seq * 37) % 400;
                all.add(message(channel, seq, "alice", all.size() + 1, payload));
            }
        }
        return all;
    }

    private static List<StoredEntry> of(List<StoredEntry> all, String channel) {
        return all.stream().filter(e -> e.channel().equals(channel)).toList();
    }

    @Test
    void rollsSegmentsAndReadsAcrossThem() throws Exception {
        List<StoredEntry> all = interleaved();
        try (EntryStore store = EntryStore.open(options())) {
            appendAll(store, all);
            for (String channel : List.of("a", "b", "c")) {
                assertThat(readAll(store, channel, 0, Long.MAX_VALUE)).isEqualTo(of(all, channel));
            }
        }
        long segments = Files2.segmentCount(dir);
        assertThat(segments).isGreaterThan(20);
        for (int n = 1; n < segments; n++) { // every closed segment stopped near its limit
            assertThat(Files2.size(Files2.segment(dir, n))).isLessThan(SEGMENT_BYTES + 5200);
        }
        try (EntryStore store = EntryStore.open(options())) {
            for (String channel : List.of("a", "b", "c")) {
                assertThat(readAll(store, channel, 40, 60)).isEqualTo(of(all, channel).subList(40, 60));
            }
            appendAll(store, List.of(message("a", 101, "alice", 999, 10)));
        }
        assertThat(Files2.segmentCount(dir)).isGreaterThanOrEqualTo(segments);
    }

    @Test
    void damageInAMiddleSegmentDropsEverythingAfterIt() throws Exception {
        List<StoredEntry> all = interleaved();
        try (EntryStore store = EntryStore.open(options())) {
            appendAll(store, all);
        }
        long segments = Files2.segmentCount(dir);
        Files.delete(Files2.checkpoint(dir)); // so recovery scans the whole journal
        Files2.flipByte(Files2.segment(dir, 3), 100);
        try (LogCapture logs = new LogCapture(); EntryStore store = EntryStore.open(options())) {
            long recovered = 0;
            for (String channel : List.of("a", "b", "c")) {
                List<StoredEntry> read = readAll(store, channel, 0, Long.MAX_VALUE);
                assertThat(read).isEqualTo(of(all, channel).subList(0, read.size()));
                recovered += read.size();
            }
            assertThat(recovered).isBetween(3L, (long) all.size() / 3);
            assertThat(Files2.segmentCount(dir)).isEqualTo(3);
            assertThat(logs.warnings()).singleElement().asString()
                    .contains(Files2.segment(dir.toRealPath(), 3).toString())
                    .contains("and " + (segments - 3) + " later segment(s) of ");
        }
    }

    @Test
    void aSegmentTornWhileBeingCreatedIsDeleted() throws Exception {
        List<StoredEntry> all = interleaved();
        try (EntryStore store = EntryStore.open(options())) {
            appendAll(store, all);
        }
        long segments = Files2.segmentCount(dir);
        Path torn = Files2.segment(dir, (int) segments + 1);
        Files.write(torn, new byte[] {'c', 'h', 'a'});
        try (LogCapture logs = new LogCapture(); EntryStore store = EntryStore.open(options())) {
            assertThat(logs.warnings()).singleElement().asString().contains("(segment header cut short)");
            appendAll(store, List.of(message("a", 101, "alice", 999, 3000))); // rolls into a fresh segment
        }
        try (EntryStore store = EntryStore.open(options())) {
            assertThat(readAll(store, "a", 99, 101)).extracting(StoredEntry::seq).containsExactly(100L, 101L);
        }
    }
}
