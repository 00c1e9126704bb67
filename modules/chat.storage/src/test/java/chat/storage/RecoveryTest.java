package chat.storage;

import static chat.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecoveryTest {

    private static final List<StoredEntry> ENTRIES = channel("c", 9, 30); // seqs 1..10

    @TempDir
    Path base;

    /**
     * The disk after a crash that came after the last entry was fsynced but before any
     * checkpoint covered it: the first nine entries are checkpointed, the tenth is not.
     */
    private record Tail(Path dir, long start, long end) {
    }

    private Tail storeWithUncheckpointedTail(Path dir) throws Exception {
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            appendAll(store, ENTRIES.subList(0, ENTRIES.size() - 1));
        }
        long start = Files2.size(Files2.segment(dir, 1));
        byte[] checkpoint = Files.readAllBytes(Files2.checkpoint(dir));
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            appendAll(store, ENTRIES.subList(ENTRIES.size() - 1, ENTRIES.size()));
        }
        Files.write(Files2.checkpoint(dir), checkpoint);
        return new Tail(dir, start, Files2.size(Files2.segment(dir, 1)));
    }

    private static void assertRecoversFirstNine(Path dir, LogCapture logs, String expectedWarning) throws Exception {
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            assertThat(store.durableHead("c")).isEqualTo(9);
            assertThat(store.recoveredState().channels().get("c").headSeq()).isEqualTo(9);
            assertThat(readAll(store, "c", 0, 100)).isEqualTo(ENTRIES.subList(0, 9));
            // the cut left a clean end to continue from
            appendAll(store, ENTRIES.subList(9, 10));
        }
        if (expectedWarning == null) {
            assertThat(logs.warnings()).isEmpty();
        } else {
            assertThat(logs.warnings()).singleElement().asString().contains(expectedWarning);
        }
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            assertThat(readAll(store, "c", 0, 100)).isEqualTo(ENTRIES);
        }
    }

    @ParameterizedTest(name = "with checkpoint: {0}")
    @ValueSource(booleans = {true, false})
    void tornLastRecordAtEveryOffsetIsCutOff(boolean withCheckpoint) throws Exception {
        Tail tail = storeWithUncheckpointedTail(base.resolve("pristine"));
        if (!withCheckpoint) {
            Files.delete(Files2.checkpoint(tail.dir()));
        }
        assertThat(tail.end() - tail.start()).isGreaterThan(100);
        for (long cut = tail.start(); cut < tail.end(); cut++) {
            Path dir = base.resolve("cut-" + cut);
            Files2.copyTree(tail.dir(), dir);
            Path segment = Files2.segment(dir, 1);
            Files2.truncate(segment, cut);
            try (LogCapture logs = new LogCapture()) {
                String warning = cut == tail.start() ? null
                        : "journal cut at " + segment.toRealPath() + " offset " + tail.start();
                assertRecoversFirstNine(dir, logs, warning);
                if (warning != null) {
                    assertThat(logs.warnings().getFirst()).contains("dropped " + (cut - tail.start()) + " bytes there");
                }
            }
        }
    }

    @Test
    void badCrcInTheLastRecordIsCutOff() throws Exception {
        Tail tail = storeWithUncheckpointedTail(base);
        Files2.flipByte(Files2.segment(base, 1), tail.end() - 1); // last payload byte
        try (LogCapture logs = new LogCapture()) {
            assertRecoversFirstNine(base, logs, "offset " + tail.start() + " (CRC mismatch): dropped "
                    + (tail.end() - tail.start()) + " bytes");
        }
    }

    @Test
    void implausibleLengthInTheLastRecordIsCutOff() throws Exception {
        Tail tail = storeWithUncheckpointedTail(base);
        Files2.writeAt(Files2.segment(base, 1), tail.start(), new byte[] {0x7f, -1, -1, -1});
        try (LogCapture logs = new LogCapture()) {
            assertRecoversFirstNine(base, logs, "(record length 2147483647 outside 69..2101248)");
        }
    }

    @Test
    void aRecordOutOfSequenceIsCutOff() throws Exception {
        Tail tail = storeWithUncheckpointedTail(base);
        Path segment = Files2.segment(base, 1);
        byte[] last = Files2.read(segment, tail.start(), (int) (tail.end() - tail.start()));
        Files2.truncate(segment, tail.start());
        Files2.append(segment, last);
        Files2.append(segment, last); // a second seq 10: intact, but not the next seq
        try (LogCapture logs = new LogCapture(); EntryStore store = EntryStore.open(StoreOptions.defaults(base))) {
            assertThat(readAll(store, "c", 0, 100)).isEqualTo(ENTRIES);
            assertThat(logs.warnings()).singleElement().asString()
                    .contains("offset " + tail.end() + " (channel c entry has seq 10, expected 11)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"zeros", "random", "ones", "short"})
    void garbageAfterTheLastRecordIsCutOff(String garbage) throws Exception {
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(base))) {
            appendAll(store, ENTRIES);
        }
        Path segment = Files2.segment(base, 1);
        long end = Files2.size(segment);
        byte[] bytes = switch (garbage) {
            case "zeros" -> new byte[4096];
            case "random" -> {
                byte[] r = new byte[1000];
                new Random(7).nextBytes(r);
                yield r;
            }
            case "ones" -> "\u00ff".repeat(300).getBytes(StandardCharsets.ISO_8859_1);
            default -> new byte[] {0, 0, 0};
        };
        Files2.append(segment, bytes);
        try (LogCapture logs = new LogCapture(); EntryStore store = EntryStore.open(StoreOptions.defaults(base))) {
            assertThat(readAll(store, "c", 0, 100)).isEqualTo(ENTRIES);
            assertThat(logs.warnings()).singleElement().asString()
                    .contains("offset " + end + " (").contains("dropped " + bytes.length + " bytes there");
        }
        assertThat(Files2.size(segment)).isEqualTo(end);
    }

    /** A history with several channels, invites and a channel created after the checkpoint. */
    private static List<StoredEntry> history(int from, int to) {
        List<StoredEntry> all = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String channel = "ch-" + (i % 7);
            long seq = i / 7 + 1;
            if (seq == 1) {
                all.add(create(channel, "user-" + (i % 3), i + 1));
            } else if (seq % 10 == 0) {
                all.add(invite(channel, seq, "user-" + (i % 3), "user-" + (seq % 11), i + 1));
            } else {
                all.add(message(channel, seq, "user-" + (i % 5), i + 1, i % 200));
            }
        }
        return all;
    }

    @Test
    void checkpointPlusTailRecoversTheSameAsAFullRescan() throws Exception {
        StoreOptions options = StoreOptions.defaults(base).withCheckpointEveryEntries(100).withMaxBatchEntries(16);
        List<StoredEntry> before = history(0, 1000);
        List<StoredEntry> tail = new ArrayList<>(history(1000, 1050));
        tail.add(create("late", "zed", 1));
        tail.add(invite("late", 2, "zed", "amy", 2));
        byte[] intermediate;
        try (EntryStore store = EntryStore.open(options)) {
            appendAll(store, before);
            intermediate = Files.readAllBytes(Files2.checkpoint(base));
            appendAll(store, tail);
        }
        RecoveredState expected;
        try (EntryStore store = EntryStore.open(options)) {
            expected = store.recoveredState();
        }
        assertThat(Files.readAllBytes(Files2.checkpoint(base))).isNotEqualTo(intermediate);

        Files.write(Files2.checkpoint(base), intermediate); // crash after the tail, before the next checkpoint
        try (LogCapture logs = new LogCapture(); EntryStore store = EntryStore.open(options)) {
            assertThat(store.recoveredState()).isEqualTo(expected);
            assertThat(logs.warnings()).isEmpty();
            assertReadsEverything(store, before, tail);
        }

        Files.delete(Files2.checkpoint(base));
        try (LogCapture logs = new LogCapture(); EntryStore store = EntryStore.open(options)) {
            assertThat(store.recoveredState()).isEqualTo(expected);
            assertThat(logs.warnings()).isEmpty();
            assertReadsEverything(store, before, tail);
        }
        assertThat(expected.channels().get("late").members()).containsExactly("zed", "amy");
        assertThat(expected.lastUserSeq()).containsEntry("zed", 2L);
    }

    private static void assertReadsEverything(EntryStore store, List<StoredEntry> before, List<StoredEntry> tail) {
        List<StoredEntry> all = new ArrayList<>(before);
        all.addAll(tail);
        for (String channel : all.stream().map(StoredEntry::channel).distinct().toList()) {
            assertThat(readAll(store, channel, 0, Long.MAX_VALUE))
                    .isEqualTo(all.stream().filter(e -> e.channel().equals(channel)).toList());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"flipped", "truncated", "empty", "garbage"})
    void corruptCheckpointFallsBackToAFullRescan(String damage) throws Exception {
        List<StoredEntry> all = history(0, 500);
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(base))) {
            appendAll(store, all);
        }
        RecoveredState expected;
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(base))) {
            expected = store.recoveredState();
        }
        Path checkpoint = Files2.checkpoint(base);
        switch (damage) {
            case "flipped" -> Files2.flipByte(checkpoint, 20);
            case "truncated" -> Files2.truncate(checkpoint, Files2.size(checkpoint) / 2);
            case "empty" -> Files2.truncate(checkpoint, 0);
            default -> Files.write(checkpoint, "not a checkpoint at all".getBytes(StandardCharsets.US_ASCII));
        }
        try (LogCapture logs = new LogCapture(); EntryStore store = EntryStore.open(StoreOptions.defaults(base))) {
            assertThat(store.recoveredState()).isEqualTo(expected);
            assertReadsEverything(store, all, List.of());
            assertThat(logs.warnings()).singleElement().asString()
                    .startsWith("checkpoint " + base.toRealPath().resolve("checkpoint") + " is unusable (")
                    .endsWith("); rescanning the whole journal");
        }
        // closing wrote a good checkpoint again
        try (LogCapture logs = new LogCapture(); EntryStore store = EntryStore.open(StoreOptions.defaults(base))) {
            assertThat(store.recoveredState()).isEqualTo(expected);
            assertThat(logs.warnings()).isEmpty();
        }
    }

    @Test
    void aMissingIndexFileFallsBackToAFullRescan() throws Exception {
        List<StoredEntry> all = history(0, 300);
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(base))) {
            appendAll(store, all);
        }
        try (var files = Files.list(base.resolve("index"))) {
            Files.delete(files.findFirst().orElseThrow());
        }
        try (LogCapture logs = new LogCapture(); EntryStore store = EntryStore.open(StoreOptions.defaults(base))) {
            assertReadsEverything(store, all, List.of());
            assertThat(logs.warnings()).singleElement().asString().contains("fewer than the checkpointed");
        }
    }

    @Test
    void aJournalShorterThanItsCheckpointFallsBackToAFullRescan() throws Exception {
        Tail tail = storeWithUncheckpointedTail(base);
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(base))) {
            assertThat(store.durableHead("c")).isEqualTo(10); // and the close checkpoints all ten
        }
        Files2.truncate(Files2.segment(base, 1), tail.start());
        try (LogCapture logs = new LogCapture(); EntryStore store = EntryStore.open(StoreOptions.defaults(base))) {
            assertThat(readAll(store, "c", 0, 100)).isEqualTo(ENTRIES.subList(0, 9));
            assertThat(logs.warnings()).singleElement().asString()
                    .contains("it points at offset " + tail.end() + " of ");
        }
    }

    @Test
    void refusesAJournalWithAMissingSegment() throws Exception {
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(base).withSegmentBytes(1024))) {
            appendAll(store, channel("c", 50, 100));
        }
        Files.delete(Files2.segment(base, 2));
        assertThatThrownBy(() -> EntryStore.open(StoreOptions.defaults(base)))
                .isInstanceOf(StoreCorruptException.class)
                .hasMessageContaining("lacks segment " + Files2.segment(base.toRealPath(), 2));
    }

    @Test
    void refusesAForeignFileAsASegment() throws Exception {
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(base))) {
            appendAll(store, ENTRIES);
        }
        Files.write(Files2.segment(base, 1), "this is someone's notes file".getBytes(StandardCharsets.US_ASCII));
        Files.delete(Files2.checkpoint(base));
        assertThatThrownBy(() -> EntryStore.open(StoreOptions.defaults(base)))
                .isInstanceOf(StoreCorruptException.class)
                .hasMessage(Files2.segment(base.toRealPath(), 1) + " is not a chat journal segment (bad magic)");
        assertThat(Files2.size(Files2.segment(base, 1))).isEqualTo(28); // refused, not cut
    }

    @Test
    void refusesOtherFormatVersions() throws Exception {
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(base))) {
            appendAll(store, ENTRIES);
        }
        Path format = base.resolve("FORMAT");
        assertThat(Files.readString(format)).isEqualTo("chat.storage format 1\n");
        Files.writeString(format, "chat.storage format 2\n");
        assertThatThrownBy(() -> EntryStore.open(StoreOptions.defaults(base)))
                .isInstanceOf(StoreFormatException.class)
                .hasMessage(format.toRealPath() + " says \"chat.storage format 2\"; this server reads "
                        + "\"chat.storage format 1\" only");

        Files.writeString(format, "chat.storage format 1\n");
        Files2.writeAt(Files2.segment(base, 1), 8, new byte[] {0, 0, 0, 2});
        Files.delete(Files2.checkpoint(base));
        assertThatThrownBy(() -> EntryStore.open(StoreOptions.defaults(base)))
                .isInstanceOf(StoreFormatException.class)
                .hasMessage(Files2.segment(base.toRealPath(), 1) + " has format version 2; this server reads version 1");

        Files.delete(format);
        assertThatThrownBy(() -> EntryStore.open(StoreOptions.defaults(base)))
                .isInstanceOf(StoreCorruptException.class)
                .hasMessageContaining("FORMAT is missing but");
    }
}
