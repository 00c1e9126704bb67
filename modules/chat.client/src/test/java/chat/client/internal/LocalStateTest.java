package chat.client.internal;

import static chat.client.internal.TestChannel.ALICE;
import static chat.client.internal.TestChannel.BOB;
import static chat.client.internal.TestChannel.DIRECTORY;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** This device's state: what was applied and queued is there again after close and reopen, and only sealed. */
class LocalStateTest {

    @Test
    void anOutboxRecordWrittenDirectlyIsTheCanonicalFormOfTheOp() {
        byte[] key = new byte[32];
        key[0] = 7;
        byte[] message = "{\"type\":\"comms\"}".getBytes(StandardCharsets.UTF_8);
        List<PendingOp> ops = List.of(
                new PendingOp(PendingOp.Kind.SEND, "general", "hello \"you\"\n\u0001 caf\u00e9 \ud83d\ude00", null, 7, null),
                new PendingOp(PendingOp.Kind.SEND, "general", "signed", null, 9_007_199_254_740_990L, message),
                new PendingOp(PendingOp.Kind.CREATE, "new", null, key, 1, message),
                new PendingOp(PendingOp.Kind.LEAVE, "general", null, null, 3, null),
                new PendingOp(PendingOp.Kind.ROTATE, "general", "on demand 4", key, 12, null),
                new PendingOp(PendingOp.Kind.INVITE, "a\\b", "bob", null, 0, message));
        for (PendingOp op : ops) {
            for (Long replaces : new Long[] {null, 0L, 41L}) {
                byte[] generic = chat.protocol.json.ObjectBuilder.create().put("op", op.toJson()).put("replaces", replaces)
                        .canonical();
                assertThat(new String(LocalState.opRecord(op, replaces), StandardCharsets.UTF_8)).as("%s %s", op, replaces)
                        .isEqualTo(new String(generic, StandardCharsets.UTF_8));
            }
        }
    }

    @TempDir
    Path bundle;

    /** Applies and records the channel's history as the client does. */
    private static ChannelLedger record(LocalState state, TestChannel ch) throws IOException {
        ChannelLedger ledger = state.ledgers.computeIfAbsent(ch.name, ChannelLedger::new);
        for (TestChannel.Delivered d : ch.history()) {
            if (d.seq() <= ledger.lastSeq()) {
                continue;
            }
            assertThat(ledger.apply(TestChannel.decode(d.bytes()), d.bytes(), DIRECTORY, BOB, false))
                    .isInstanceOf(ChannelLedger.Outcome.Applied.class);
            state.recordEntry(ledger, d.bytes());
        }
        return ledger;
    }

    private static PendingOp op(long userSeq, String text) {
        return new PendingOp(PendingOp.Kind.SEND, "general", text, null, userSeq,
                ("{\"signed\":" + userSeq + "}").getBytes(StandardCharsets.UTF_8));
    }

    private static String describe(PendingOp op) {
        return op.kind() + " " + op.channel() + " " + op.argument() + " " + op.userSeq() + " "
                + new String(op.message(), StandardCharsets.UTF_8);
    }

    @Test
    void whatWasAppliedQueuedAndReadIsThereAgainAfterReopening() throws IOException {
        TestChannel general = TestChannel.withHistory("general");
        TestChannel random = TestChannel.withHistory("random");
        ChannelLedgerTest.Snapshot generalBefore;
        ChannelLedgerTest.Snapshot randomBefore;
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            assertThat(state.persistent()).isTrue();
            generalBefore = ChannelLedgerTest.Snapshot.of(record(state, general));
            randomBefore = ChannelLedgerTest.Snapshot.of(record(state, random));
            state.ledgers.get("general").readUpTo = 3;
            PendingOp first = op(5, "queued one");
            PendingOp second = op(6, "queued two");
            PendingOp third = op(7, "queued three");
            for (PendingOp op : List.of(first, second, third)) {
                state.putPending(op, null);
                state.pending.add(op);
            }
            state.donePending(5);
            PendingOp resigned = second.resigned(8, "{\"signed\":8}".getBytes(StandardCharsets.UTF_8));
            state.putPending(resigned, 6L);
            state.saveMeta();
        }

        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            assertThat(state.ledgers).containsOnlyKeys("general", "random");
            assertThat(ChannelLedgerTest.Snapshot.of(state.ledgers.get("general"))).isEqualTo(generalBefore);
            assertThat(ChannelLedgerTest.Snapshot.of(state.ledgers.get("random"))).isEqualTo(randomBefore);
            for (long seq = 0; seq <= 4; seq++) {
                assertThat(state.ledgers.get("general").head(seq)).isEqualTo(general.head(seq));
            }
            assertThat(state.ledgers.get("general").readUpTo).isEqualTo(3);
            assertThat(state.ledgers.get("random").readUpTo).isZero();
            assertThat(state.pending).extracting(LocalStateTest::describe) // in the order given: the re-signed one keeps its place
                    .containsExactly("SEND general queued two 8 {\"signed\":8}", describe(op(7, "queued three")));
            assertThat(state.lastUserSeq).isEqualTo(8);
        }
    }

    @Test
    void aCommandSentBackToWaitUnsignedUnderItsOwnUserSeqSurvivesAReopening() throws IOException {
        // retryLater: a send refused with wrongEpoch (a rotation crossed it) goes back to
        // waiting, unsigned, with the same userSeq; its record replaces itself
        PendingOp sent = op(7, "crossed by a rotation");
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            state.putPending(sent, null);
            state.putPending(sent.unsigned(), 7L);
        }
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            assertThat(state.pending).as("still queued, to be signed again").singleElement().satisfies(op -> {
                assertThat(op.held()).isTrue();
                assertThat(op.userSeq()).isEqualTo(7);
                assertThat(op.argument()).isEqualTo("crossed by a rotation");
            });
        }
    }

    @Test
    void aReplacedCommandKeepsItsPlaceInTheQueueAcrossAReopening() throws IOException {
        // create 3, invite 4 and send 5 held behind it; the create is answered and the invite
        // signed as 6: the send must still come after the invite (it waits for it), and so
        // after an invite sent back to wait under its own userSeq
        PendingOp create = op(3, "create");
        PendingOp invite = new PendingOp(PendingOp.Kind.INVITE, "general", "carol", null, 4, null);
        PendingOp send = new PendingOp(PendingOp.Kind.SEND, "general", "for carol too", null, 5, null);
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            for (PendingOp op : List.of(create, invite, send)) {
                state.putPending(op, null);
            }
            state.donePending(3);
            PendingOp signed = invite.resigned(6, "{\"signed\":6}".getBytes(StandardCharsets.UTF_8));
            state.putPending(signed, 4L);
            state.putPending(signed.unsigned(), 6L); // refused with staleMembers: waits again
        }
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            assertThat(state.pending).extracting(PendingOp::argument).containsExactly("carol", "for carol too");
            assertThat(state.pending).extracting(PendingOp::userSeq).containsExactly(6L, 5L);
        }
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) { // and after the rewrite at the last start
            assertThat(state.pending).extracting(PendingOp::argument).containsExactly("carol", "for carol too");
        }
    }

    @Test
    void aHeldCommandSurvivesAReopeningUnsignedAndIsReplacedWhenSigned() throws IOException {
        PendingOp create = op(3, "unused");
        PendingOp held = new PendingOp(PendingOp.Kind.SEND, "general", "after the create", null, 4, null);
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            for (PendingOp op : List.of(create, held)) {
                state.putPending(op, null);
                state.pending.add(op);
            }
        }
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            assertThat(state.pending).hasSize(2);
            PendingOp restored = state.pending.get(1);
            assertThat(restored.held()).isTrue();
            assertThat(restored.argument()).isEqualTo("after the create");
            assertThat(restored.userSeq()).isEqualTo(4);
            state.donePending(3);
            state.putPending(restored.resigned(5, "{\"signed\":5}".getBytes(StandardCharsets.UTF_8)), 4L);
        }
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            assertThat(state.pending).singleElement().satisfies(op -> {
                assertThat(op.held()).isFalse();
                assertThat(describe(op)).isEqualTo("SEND general after the create 5 {\"signed\":5}");
            });
        }
    }

    @Test
    void newEntriesAfterReopeningAreAppendedAndKept() throws IOException {
        TestChannel general = TestChannel.withHistory("general");
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            record(state, general);
        }
        general.accept(general.messageEntry(ALICE, "later"));
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            assertThat(state.ledgers.get("general").lastSeq()).isEqualTo(4);
            record(state, general);
        }
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            assertThat(state.ledgers.get("general").lastSeq()).isEqualTo(5);
            assertThat(state.ledgers.get("general").head(5)).isEqualTo(general.head(5));
        }
    }

    /**
     * A new device that adopted an expired run (protocol.md, "Retention") stores it as one
     * record per entry; after a restart the run is applied again from the records, the
     * chain goes on from the adopted head, and the history shows the run once.
     */
    @Test
    void anExpiredRunIsStoredAndAppliedAgainAfterReopening() throws IOException {
        TestChannel general = TestChannel.withHistory("general");
        for (int i = 5; i <= 8; i++) {
            general.accept(general.messageEntry(ALICE, "message " + i));
        }
        List<TestChannel.Delivered> all = general.history();
        chat.protocol.Expired run = new chat.protocol.Expired("general", 3, 6, general.head(6),
                all.get(5).entry().stamp().timestamp());
        byte[] placeholder = new chat.protocol.MessageCodec().encode(run);
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            ChannelLedger ledger = state.ledgers.computeIfAbsent("general", ChannelLedger::new);
            for (TestChannel.Delivered d : all.subList(0, 2)) {
                ledger.apply(TestChannel.decode(d.bytes()), d.bytes(), DIRECTORY, BOB, false);
                state.recordEntry(ledger, d.bytes());
            }
            assertThat(ledger.checkExpired(run)).isNull();
            while (ledger.lastSeq() < 6) {
                ledger.applyExpired(run);
                state.recordEntry(ledger, placeholder);
            }
            record(state, general); // 7 and 8 chain on the adopted head
        }
        general.accept(general.messageEntry(ALICE, "after the restart"));
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            assertThat(state.damage).isEmpty();
            ChannelLedger ledger = state.ledgers.get("general");
            assertThat(ledger.lastSeq()).isEqualTo(8);
            assertThat(ledger.head(6)).isEqualTo(general.head(6));
            assertThat(ChannelLedger.unknown(ledger.head(4))).isTrue();
            record(state, general);
            assertThat(ledger.history()).extracting(h -> h.getClass().getSimpleName() + " " + h.seq())
                    .containsExactly("Joined 1", "Joined 2", "Expired 6", "Text 7", "Text 8", "Text 9");
        }
    }

    /** Record {@code index}'s offset in a sealed log (8-byte magic; per record 4 + length bytes). */
    private static long recordOffset(Path file, int index) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        long at = 8;
        for (int i = 0; i < index; i++) {
            at += 4 + java.nio.ByteBuffer.wrap(raw, (int) at, 4).getInt();
        }
        return at;
    }

    /** The channel's log (beside it are its index and snapshot). */
    private Path channelLog() throws IOException {
        try (Stream<Path> files = Files.list(bundle.resolve("state/channels"))) {
            return files.filter(f -> f.toString().endsWith(".log")).findFirst().orElseThrow();
        }
    }

    private static Path snapshotOf(Path log) {
        return log.resolveSibling(log.getFileName().toString().replace(".log", ".snap"));
    }

    private static void flip(Path file, long at) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        raw[(int) at] ^= 0x10;
        Files.write(file, raw);
    }

    @Test
    void aDamagedQueuedCommandIsReportedAndTheCommandsAfterItAreKept() throws IOException {
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            for (long seq = 1; seq <= 5; seq++) {
                PendingOp op = op(seq, "queued " + seq);
                state.putPending(op, null);
                state.pending.add(op);
            }
        }
        Path outbox = bundle.resolve("state/outbox.log");
        flip(outbox, recordOffset(outbox, 1) + 20); // the second of five
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            assertThat(state.pending).extracting(PendingOp::argument)
                    .containsExactly("queued 1", "queued 3", "queued 4", "queued 5");
            assertThat(state.damage).singleElement().asString().contains("outbox.log")
                    .contains("1 damaged record was skipped").contains("may be lost");
        }
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            assertThat(state.damage).as("repaired once, quiet after").isEmpty();
            assertThat(state.pending).hasSize(4);
        }
    }

    @Test
    void damagedHeadersOfEveryStateFileAreRepairedNotFatal() throws IOException {
        TestChannel general = TestChannel.withHistory("general");
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            record(state, general);
            PendingOp op = op(9, "queued");
            state.putPending(op, null);
            state.pending.add(op);
            state.saveMeta();
        }
        Path channelLog = channelLog();
        for (Path f : List.of(channelLog, bundle.resolve("state/outbox.log"), bundle.resolve("state/meta.log"))) {
            flip(f, 2);
        }
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            assertThat(state.ledgers).as("the channel comes back from the server").isEmpty();
            assertThat(state.pending).isEmpty();
            assertThat(String.join("\n", state.damage)).contains("outbox.log").contains("header was damaged")
                    .contains("meta.log");
        }
        try (Stream<Path> files = Files.list(bundle.resolve("state"))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("outbox.log.damaged-"));
        }
    }

    @Test
    void aDamagedEntryInTheMiddleOfAChannelKeepsWhatPrecedesItAndTheRestIsFetchedAgain() throws IOException {
        TestChannel general = TestChannel.withHistory("general");
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            record(state, general);
        }
        Path channelLog = channelLog();
        // Without a snapshot (a folder of an older build, or a damaged snapshot) every entry
        // is read again at the start, and the damage is found there; with one, see
        // aDamagedEntryBeforeTheSnapshotIsLeftOutOfHistoryAndTheLedgerStands.
        Files.delete(snapshotOf(channelLog));
        flip(channelLog, recordOffset(channelLog, 1) + 30);
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            assertThat(state.ledgers.get("general").lastSeq()).isEqualTo(1);
            assertThat(String.join("\n", state.damage)).contains("#general").contains("downloaded again");
            record(state, general); // the replay after the cursor
        }
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            assertThat(state.ledgers.get("general").lastSeq()).isEqualTo(general.seq());
            assertThat(state.damage).isEmpty();
        }
    }

    @Test
    void aTornChannelFileLosesOnlyItsTailWhichTheServerSendsAgain() throws IOException {
        TestChannel general = TestChannel.withHistory("general");
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            record(state, general);
        }
        Path log = channelLog();
        try (var ch = java.nio.channels.FileChannel.open(log, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 3);
        }
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            ChannelLedger ledger = state.ledgers.get("general");
            assertThat(ledger.lastSeq()).isEqualTo(3);
            record(state, general);
            assertThat(ledger.lastSeq()).isEqualTo(4);
        }
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            assertThat(state.ledgers.get("general").head(4)).isEqualTo(general.head(4));
        }
    }

    @Test
    void theStateFolderHoldsNoPlaintextAndIsPrivate() throws IOException {
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            record(state, TestChannel.withHistory("general"));
            PendingOp op = op(9, "a queued secret");
            state.putPending(op, null);
            state.saveMeta();
        }
        try (Stream<Path> files = Files.walk(bundle.resolve("state"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String raw = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(raw).as(f.toString()).doesNotContain("hello bob", "hello alice", "a queued secret", "general");
            }
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(bundle.resolve("state")))).isEqualTo("rwx------");
    }

    @Test
    void aSecondClientOnTheSameBundleKeepsItsStateInMemory() throws IOException {
        TestChannel general = TestChannel.withHistory("general");
        try (LocalState first = LocalState.open(bundle, BOB, DIRECTORY)) {
            record(first, general);
            try (LocalState second = LocalState.open(bundle, BOB, DIRECTORY)) {
                assertThat(second.persistent()).isFalse();
                assertThat(second.ledgers).isEmpty();
                record(second, TestChannel.withHistory("other"));
                second.putPending(op(3, "memory only"), null);
                second.saveMeta();
            }
            general.accept(general.messageEntry(ALICE, "still recorded by the first"));
            record(first, general);
        }
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY)) {
            assertThat(state.ledgers).containsOnlyKeys("general");
            assertThat(state.ledgers.get("general").lastSeq()).isEqualTo(5);
            assertThat(state.pending).isEmpty();
        }
    }
}
