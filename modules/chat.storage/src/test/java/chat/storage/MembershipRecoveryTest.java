package chat.storage;

import static chat.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery rebuilds each channel's membership (members, admins, epoch, rotation pending,
 * departures) from LEAVE, REMOVE, ADMIN and ROTATE entries exactly as the entries left it,
 * whether it starts from a checkpoint or rescans the whole journal.
 */
class MembershipRecoveryTest {

    @TempDir
    Path base;

    private static StoredEntry change(long seq, EntryKind kind, String actor, String subject, long userSeq) {
        return new StoredEntry("c", seq, 1_700_000_000_000L + seq, kind, actor, subject, userSeq, head("c", seq),
                payload("c", seq, 50));
    }

    /** alice creates, invites bob and carol; bob invites dave; then promotions, departures and rotations. */
    private static final List<StoredEntry> HISTORY = List.of(
            create("c", "alice", 1),
            invite("c", 2, "alice", "bob", 2),
            invite("c", 3, "alice", "carol", 3),
            invite("c", 4, "bob", "dave", 1),
            change(5, EntryKind.ADMIN, "alice", "carol", 4),
            message("c", 6, "dave", 2, 30),
            change(7, EntryKind.REMOVE, "carol", "bob", 1),
            change(8, EntryKind.ROTATE, "carol", null, 2),
            change(9, EntryKind.LEAVE, "alice", "alice", 5),
            change(10, EntryKind.LEAVE, "carol", "carol", 3),
            change(11, EntryKind.ROTATE, "dave", null, 3),
            invite("c", 12, "dave", "bob", 4),
            change(13, EntryKind.LEAVE, "dave", "dave", 5));

    private static ChannelState state(long seq, List<String> members, List<String> admins, long epoch, boolean pending,
                                      Map<String, Long> departed) {
        return new ChannelState("c", seq, head("c", seq), members, admins, epoch, pending, departed);
    }

    private RecoveredState recover(Path dir, int entries, boolean keepCheckpoint) throws Exception {
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            appendAll(store, HISTORY.subList(0, entries));
        }
        if (!keepCheckpoint) {
            Files.delete(Files2.checkpoint(dir));
        }
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            return store.recoveredState();
        }
    }

    private ChannelState after(int entries) throws Exception {
        ChannelState fromCheckpoint = recover(base.resolve(entries + "-checkpoint"), entries, true).channels().get("c");
        ChannelState fromRescan = recover(base.resolve(entries + "-rescan"), entries, false).channels().get("c");
        assertThat(fromCheckpoint).isEqualTo(fromRescan);
        return fromRescan;
    }

    @Test
    void adminPromotionAppendsToTheAdminsInOrder() throws Exception {
        assertThat(after(5)).isEqualTo(state(5, List.of("alice", "bob", "carol", "dave"), List.of("alice", "carol"), 0,
                false, Map.of()));
    }

    @Test
    void aRemovalShrinksTheMembersRecordsTheDepartureAndLeavesARotationPending() throws Exception {
        assertThat(after(7)).isEqualTo(state(7, List.of("alice", "carol", "dave"), List.of("alice", "carol"), 0, true,
                Map.of("bob", 7L)));
    }

    @Test
    void aRotationRaisesTheEpochAndClearsThePendingFlag() throws Exception {
        assertThat(after(8)).isEqualTo(state(8, List.of("alice", "carol", "dave"), List.of("alice", "carol"), 1, false,
                Map.of("bob", 7L)));
    }

    @Test
    void aLeavingAdminStopsBeingOneAndTheLastAdminsLeaveMakesTheEarliestJoinedMemberAdmin() throws Exception {
        assertThat(after(9)).isEqualTo(state(9, List.of("carol", "dave"), List.of("carol"), 1, true,
                Map.of("bob", 7L, "alice", 9L)));
        assertThat(after(10)).isEqualTo(state(10, List.of("dave"), List.of("dave"), 1, true,
                Map.of("bob", 7L, "alice", 9L, "carol", 10L)));
    }

    @Test
    void aReinvitedUserJoinsAtTheEndAndIsNoLongerDeparted() throws Exception {
        assertThat(after(12)).isEqualTo(state(12, List.of("dave", "bob"), List.of("dave"), 2, false,
                Map.of("alice", 9L, "carol", 10L)));
        assertThat(after(13)).isEqualTo(state(13, List.of("bob"), List.of("bob"), 2, true,
                Map.of("alice", 9L, "carol", 10L, "dave", 13L)));
    }

    @Test
    void aCheckpointInTheMiddleOfTheChangesPlusTheTailGivesTheSameStateAsARescan() throws Exception {
        RecoveredState expected = recover(base.resolve("rescan"), HISTORY.size(), false);
        Path dir = base.resolve("crash");
        byte[] intermediate;
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            appendAll(store, HISTORY.subList(0, 8));
        }
        intermediate = Files.readAllBytes(Files2.checkpoint(dir));
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            appendAll(store, HISTORY.subList(8, HISTORY.size()));
        }
        Files.write(Files2.checkpoint(dir), intermediate); // crash after the tail, before the next checkpoint
        try (LogCapture logs = new LogCapture(); EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            assertThat(store.recoveredState()).isEqualTo(expected);
            assertThat(logs.warnings()).isEmpty();
        }
        assertThat(expected.lastUserSeq()).containsEntry("dave", 5L).containsEntry("carol", 3L);
    }

    @Test
    void aChannelEveryoneLeftStaysWithNoMembers() throws Exception {
        Path dir = base.resolve("empty");
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            appendAll(store, List.of(create("c", "alice", 1), change(2, EntryKind.LEAVE, "alice", "alice", 2)));
        }
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            assertThat(store.recoveredState().channels().get("c"))
                    .isEqualTo(state(2, List.of(), List.of(), 0, true, Map.of("alice", 2L)));
        }
    }
}
