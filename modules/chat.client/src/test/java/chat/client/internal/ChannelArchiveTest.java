package chat.client.internal;

import static chat.client.internal.TestChannel.ALICE;
import static chat.client.internal.TestChannel.BOB;
import static chat.client.internal.TestChannel.CAROL;
import static chat.client.internal.TestChannel.DIRECTORY;
import static org.assertj.core.api.Assertions.assertThat;

import chat.client.HistoryItem;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stored channel starts from its snapshot (docs/files.md): a start reads no history, only
 * what was recorded after the snapshot; history is read back from disk on demand; and a
 * kill between any two writes (simulated by cutting the files where a kill could leave
 * them, or damaging the snapshot or index) comes back to exactly the verified state.
 */
class ChannelArchiveTest {

    @TempDir
    Path root;

    /** Creation, two invitations, a rotation and {@code messages} messages from alice, bob and carol. */
    private static TestChannel channel(int messages) {
        TestChannel ch = TestChannel.withHistory("general");
        ch.accept(ch.inviteEntry(ALICE, CAROL));
        for (int i = 0; i < messages; i++) {
            if (i == messages / 2) {
                ch.accept(ch.rotateEntry(ALICE, ALICE, BOB, CAROL));
            }
            TestChannel.Delivered d = ch.accept(ch.messageEntry(i % 3 == 0 ? ALICE : i % 3 == 1 ? BOB : CAROL, "m" + i));
            assertThat(d.seq()).isPositive();
        }
        return ch;
    }

    /** Applies and records entries up to {@code upTo} as the client does. */
    private static ChannelLedger record(LocalState state, TestChannel ch, long upTo) throws IOException {
        ChannelLedger ledger = state.ledgers.computeIfAbsent(ch.name, ChannelLedger::new);
        for (TestChannel.Delivered d : ch.history()) {
            if (d.seq() <= ledger.lastSeq() || d.seq() > upTo) {
                continue;
            }
            assertThat(ledger.apply(TestChannel.decode(d.bytes()), d.bytes(), DIRECTORY, BOB, false))
                    .isInstanceOf(ChannelLedger.Outcome.Applied.class);
            state.recordEntry(ledger, d.bytes());
        }
        return ledger;
    }

    /** Bob's ledger after entries 1..upTo, in memory only: what a loaded one must equal. */
    private static ChannelLedgerTest.Snapshot expected(TestChannel ch, long upTo) {
        ChannelLedger ledger = new ChannelLedger(ch.name);
        for (TestChannel.Delivered d : ch.history().subList(0, (int) upTo)) {
            ledger.apply(TestChannel.decode(d.bytes()), d.bytes(), DIRECTORY, BOB, false);
        }
        return ChannelLedgerTest.Snapshot.of(ledger);
    }

    private static Path file(Path bundle, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(bundle.resolve("state/channels"))) {
            return files.filter(f -> f.toString().endsWith(suffix)).findFirst().orElseThrow();
        }
    }

    @Test
    void aStartReadsNoStoredEntryAndHistoryReadsOnlyWhatItShows() throws IOException {
        TestChannel ch = channel(300);
        Path bundle = root.resolve("b");
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            record(state, ch, ch.seq());
        }
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            ChannelArchive archive = state.archive("general");
            assertThat(archive.log().recordsRead).as("log records decrypted at start").isZero();
            assertThat(archive.indexReads).as("index records read at start").isLessThanOrEqualTo(1);
            ChannelLedger ledger = state.ledgers.get("general");
            assertThat(ledger.lastSeq()).isEqualTo(ch.seq());
            assertThat(ledger.head(ch.seq())).isEqualTo(ch.head(ch.seq()));

            long reads = archive.log().recordsRead;
            List<HistoryItem> newest = ledger.history(5);
            assertThat(archive.log().recordsRead - reads).as("records read for 5 items").isEqualTo(5);
            assertThat(newest).extracting(HistoryItem::seq).containsExactly(ch.seq() - 4, ch.seq() - 3, ch.seq() - 2,
                    ch.seq() - 1, ch.seq());
            assertThat(ChannelLedgerTest.Snapshot.of(ledger)).isEqualTo(expected(ch, ch.seq()));
            assertThat(ledger.unread("bob")).isEqualTo(expected(ch, ch.seq()).history().stream()
                    .filter(h -> h instanceof HistoryItem.Text t && !t.mine()).count());
        }
    }

    @Test
    void aPageBeforeAnEntryIsReadFromDiskAloneAndMatchesTheLedgerInMemory() throws IOException {
        TestChannel ch = channel(300);
        Path bundle = root.resolve("b");
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            record(state, ch, ch.seq());
        }
        ChannelLedger inMemory = new ChannelLedger(ch.name);
        for (TestChannel.Delivered d : ch.history()) {
            inMemory.apply(TestChannel.decode(d.bytes()), d.bytes(), DIRECTORY, BOB, false);
        }
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            ChannelArchive archive = state.archive("general");
            ChannelLedger ledger = state.ledgers.get("general");
            long reads = archive.log().recordsRead;
            List<HistoryItem> page = ledger.history(10, 100);
            assertThat(archive.log().recordsRead - reads).as("records read for a page of 10").isEqualTo(10);
            assertThat(page).extracting(HistoryItem::seq).containsExactly(90L, 91L, 92L, 93L, 94L, 95L, 96L, 97L, 98L,
                    99L);
            assertThat(page).isEqualTo(inMemory.history(10, 100));
            assertThat(ledger.history(10, 5)).extracting(HistoryItem::seq).containsExactly(1L, 2L, 3L, 4L);
            assertThat(ledger.history(10, 1)).isEmpty();
            assertThat(ledger.history(3, Long.MAX_VALUE)).isEqualTo(ledger.history(3));
        }
    }

    @Test
    void aStateFolderOfAnOlderBuildIsReadOnceAndThenStartsFromItsSnapshot() throws IOException {
        TestChannel ch = channel(40);
        Path bundle = root.resolve("b");
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            record(state, ch, ch.seq());
        }
        // what an older build left: the log alone
        Files.delete(file(bundle, ".snap"));
        Files.delete(file(bundle, ".idx"));
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            assertThat(state.archive("general").log().recordsRead).isEqualTo(ch.seq());
            assertThat(ChannelLedgerTest.Snapshot.of(state.ledgers.get("general"))).isEqualTo(expected(ch, ch.seq()));
            assertThat(state.damage).isEmpty();
        }
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            assertThat(state.archive("general").log().recordsRead).isZero();
            assertThat(ChannelLedgerTest.Snapshot.of(state.ledgers.get("general"))).isEqualTo(expected(ch, ch.seq()));
        }
    }

    @Test
    void aStartAfterAKillReadsOnlyWhatWasRecordedAfterTheSnapshot() throws IOException {
        TestChannel ch = channel(60);
        Path bundle = root.resolve("b");
        Path killed = root.resolve("killed");
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            record(state, ch, 40);
            state.sync(); // a snapshot at 40
            record(state, ch, ch.seq());
            state.archive("general").sync(); // written and durable, but no snapshot after 40
            copy(bundle, killed);
        }
        try (LocalState state = LocalState.open(killed, BOB, DIRECTORY)) {
            assertThat(state.archive("general").log().recordsRead).isEqualTo(ch.seq() - 40);
            assertThat(ChannelLedgerTest.Snapshot.of(state.ledgers.get("general"))).isEqualTo(expected(ch, ch.seq()));
        }
    }

    /**
     * Every state a kill can leave: the snapshot at S (or, once the log and index are
     * durable up to T, the next one at T), the log cut anywhere after S's entries (they
     * were fsynced before the snapshot), the index cut anywhere after S's records, and a
     * half-written temporary snapshot beside it. Each opens to the ledger of the entries
     * whole in the log, and the replay after it completes the channel.
     */
    @Test
    void aKillBetweenAnyTwoWritesLosesNothingVerifiedAndCorruptsNothing() throws IOException {
        TestChannel ch = channel(12);
        long s = 8;
        Path bundle = root.resolve("b");
        Path atS = root.resolve("atS");
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            record(state, ch, s);
            state.sync();
            copy(bundle, atS);
            record(state, ch, ch.seq());
        }
        Path log = file(bundle, ".log");
        Path idx = file(bundle, ".idx");
        Path snapS = file(atS, ".snap");
        long logAtS = Files.size(file(atS, ".log"));
        long idxAtS = Files.size(file(atS, ".idx"));
        int cases = 0;
        java.util.Map<Long, ChannelLedgerTest.Snapshot> expected = new java.util.HashMap<>();
        // every record boundary, and a cut inside each record
        java.util.TreeSet<Long> cuts = new java.util.TreeSet<>();
        for (long at = logAtS; at <= Files.size(log); at = recordEnd(log, at)) {
            cuts.add(at);
            cuts.add(at + 11);
        }
        cuts.add(Files.size(log));
        for (long logLen : cuts.headSet(Files.size(log), true)) {
            for (long idxLen : new long[] {idxAtS, idxAtS + 30, Files.size(idx)}) {
                Path crash = root.resolve("crash" + cases++);
                copy(bundle, crash);
                Files.copy(snapS, file(crash, ".snap"), StandardCopyOption.REPLACE_EXISTING);
                truncate(file(crash, ".log"), logLen);
                truncate(file(crash, ".idx"), idxLen);
                Files.write(file(crash, ".snap").resolveSibling(file(crash, ".snap").getFileName() + ".tmp"),
                        new byte[] {1, 2, 3});
                long whole = wholeRecords(log, logLen);
                try (LocalState state = LocalState.open(crash, BOB, DIRECTORY)) {
                    ChannelLedger ledger = state.ledgers.get("general");
                    assertThat(ChannelLedgerTest.Snapshot.of(ledger)).as("log %d, index %d", logLen, idxLen)
                            .isEqualTo(expected.computeIfAbsent(whole, w -> expected(ch, w)));
                    record(state, ch, ch.seq()); // the replay after the cursor
                }
                try (LocalState state = LocalState.open(crash, BOB, DIRECTORY)) {
                    assertThat(ChannelLedgerTest.Snapshot.of(state.ledgers.get("general")))
                            .isEqualTo(expected.computeIfAbsent(ch.seq(), w -> expected(ch, w)));
                }
            }
        }
        assertThat(cases).isGreaterThan(20);
    }

    @Test
    void aDamagedSnapshotOrIndexIsRebuiltFromTheLog() throws IOException {
        TestChannel ch = channel(30);
        Path bundle = root.resolve("b");
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            record(state, ch, ch.seq());
        }
        flip(file(bundle, ".snap"), 40);
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            assertThat(state.archive("general").log().recordsRead).isEqualTo(ch.seq());
            assertThat(ChannelLedgerTest.Snapshot.of(state.ledgers.get("general"))).isEqualTo(expected(ch, ch.seq()));
        }
        flip(file(bundle, ".idx"), 8 + 3 * ChannelArchive.IDX_RECORD + 20); // entry 4's head and offset
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            ChannelLedger ledger = state.ledgers.get("general");
            assertThat(ledger.head(4)).isEqualTo(ch.head(4));
            assertThat(ChannelLedgerTest.Snapshot.of(ledger)).isEqualTo(expected(ch, ch.seq()));
        }
    }

    @Test
    void aDamagedEntryBeforeTheSnapshotIsLeftOutOfHistoryAndTheLedgerStands() throws IOException {
        TestChannel ch = channel(10);
        Path bundle = root.resolve("b");
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            record(state, ch, ch.seq());
        }
        Path log = file(bundle, ".log");
        flip(log, recordOffset(log, 6) + 30); // entry 7, a message
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            ChannelLedger ledger = state.ledgers.get("general");
            assertThat(ledger.lastSeq()).isEqualTo(ch.seq());
            assertThat(ledger.history()).extracting(HistoryItem::seq).doesNotContain(7L).contains(6L, 8L);
        }
    }

    private static long wholeRecords(Path log, long length) throws IOException {
        byte[] raw = Files.readAllBytes(log);
        long at = 8;
        long n = 0;
        while (at + 4 <= length) {
            long next = at + 4 + java.nio.ByteBuffer.wrap(raw, (int) at, 4).getInt();
            if (next > length) {
                break;
            }
            at = next;
            n++;
        }
        return n;
    }

    private static long recordEnd(Path log, long at) throws IOException {
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4);
            if (ch.read(b, at) < 4) {
                return Long.MAX_VALUE;
            }
            return at + 4 + b.flip().getInt();
        }
    }

    private static long recordOffset(Path file, int index) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        long at = 8;
        for (int i = 0; i < index; i++) {
            at += 4 + java.nio.ByteBuffer.wrap(raw, (int) at, 4).getInt();
        }
        return at;
    }

    private static void truncate(Path file, long length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(length);
        }
    }

    private static void flip(Path file, long at) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        raw[(int) at] ^= 0x10;
        Files.write(file, raw);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else if (!f.getFileName().toString().equals("LOCK")) {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
