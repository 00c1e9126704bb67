package chat.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each malformed value and the exact error it gets. */
class StoredEntryTest {

    private static final byte[] HEAD = new byte[32];
    private static final byte[] PAYLOAD = new byte[10];

    private static StoredEntry entry(String channel, long seq, long timestamp, EntryKind kind, String actor,
                                     String subject, long userSeq, byte[] head, byte[] payload) {
        return new StoredEntry(channel, seq, timestamp, kind, actor, subject, userSeq, head, payload);
    }

    private static void refused(Runnable build, String message) {
        assertThatThrownBy(build::run).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void acceptsEachKind() {
        assertThat(entry("c", 1, 0, EntryKind.CREATE, "a", "a", 1, HEAD, PAYLOAD).subject()).isEqualTo("a");
        assertThat(entry("c", 2, 0, EntryKind.INVITE, "a", "b", 2, HEAD, PAYLOAD).subject()).isEqualTo("b");
        assertThat(entry("c", 3, 0, EntryKind.MESSAGE, "a", null, 3, HEAD, new byte[0]).subject()).isNull();
        assertThat(entry("c", 4, 0, EntryKind.LEAVE, "b", "b", 4, HEAD, PAYLOAD).subject()).isEqualTo("b");
        assertThat(entry("c", 5, 0, EntryKind.REMOVE, "a", "b", 5, HEAD, PAYLOAD).subject()).isEqualTo("b");
        assertThat(entry("c", 6, 0, EntryKind.ADMIN, "a", "b", 6, HEAD, PAYLOAD).subject()).isEqualTo("b");
        assertThat(entry("c", 7, 0, EntryKind.ROTATE, "a", null, 7, HEAD, PAYLOAD).subject()).isNull();
        assertThat(entry("x".repeat(64), 3, 0, EntryKind.MESSAGE, "😀".repeat(32), null, 3, HEAD,
                new byte[StoredEntry.MAX_PAYLOAD_BYTES]).channel()).hasSize(64);
    }

    @Test
    void refusesMalformedFields() {
        refused(() -> entry(null, 1, 0, EntryKind.CREATE, "a", "a", 1, HEAD, PAYLOAD), "channel is missing");
        refused(() -> entry("", 1, 0, EntryKind.CREATE, "a", "a", 1, HEAD, PAYLOAD),
                "channel has 0 chars; it must have 1..64");
        refused(() -> entry("x".repeat(65), 1, 0, EntryKind.CREATE, "a", "a", 1, HEAD, PAYLOAD),
                "channel has 65 chars; it must have 1..64");
        refused(() -> entry("bad\uD800", 1, 0, EntryKind.CREATE, "a", "a", 1, HEAD, PAYLOAD),
                "channel has an unpaired surrogate at index 3");
        refused(() -> entry("c", 1, 0, EntryKind.CREATE, "", "", 1, HEAD, PAYLOAD),
                "actor has 0 chars; it must have 1..64");
        refused(() -> entry("c", 0, 0, EntryKind.CREATE, "a", "a", 1, HEAD, PAYLOAD), "seq 0 must be at least 1");
        refused(() -> entry("c", 2, 0, EntryKind.CREATE, "a", "a", 1, HEAD, PAYLOAD), "CREATE must have seq 1, not 2");
        refused(() -> entry("c", 1, 0, EntryKind.MESSAGE, "a", null, 1, HEAD, PAYLOAD),
                "MESSAGE must have seq 2 or more, not 1");
        refused(() -> entry("c", 2, -5, EntryKind.MESSAGE, "a", null, 1, HEAD, PAYLOAD), "timestamp -5 is negative");
        refused(() -> entry("c", 1, 0, EntryKind.CREATE, "a", "b", 1, HEAD, PAYLOAD),
                "CREATE subject b must equal the actor a");
        refused(() -> entry("c", 2, 0, EntryKind.INVITE, "a", null, 1, HEAD, PAYLOAD), "subject is missing");
        refused(() -> entry("c", 2, 0, EntryKind.MESSAGE, "a", "b", 1, HEAD, PAYLOAD),
                "MESSAGE must have no subject, has b");
        refused(() -> entry("c", 2, 0, EntryKind.LEAVE, "a", "b", 1, HEAD, PAYLOAD),
                "LEAVE subject b must equal the actor a");
        refused(() -> entry("c", 2, 0, EntryKind.REMOVE, "a", "a", 1, HEAD, PAYLOAD),
                "REMOVE subject must be another user than the actor a");
        refused(() -> entry("c", 2, 0, EntryKind.ADMIN, "a", "a", 1, HEAD, PAYLOAD),
                "ADMIN subject must be another user than the actor a");
        refused(() -> entry("c", 2, 0, EntryKind.REMOVE, "a", null, 1, HEAD, PAYLOAD), "subject is missing");
        refused(() -> entry("c", 2, 0, EntryKind.ROTATE, "a", "b", 1, HEAD, PAYLOAD),
                "ROTATE must have no subject, has b");
        refused(() -> entry("c", 2, 0, EntryKind.MESSAGE, "a", null, 0, HEAD, PAYLOAD), "userSeq 0 must be at least 1");
        refused(() -> entry("c", 2, 0, EntryKind.MESSAGE, "a", null, 1, new byte[31], PAYLOAD),
                "head has 31 bytes, must have 32");
        refused(() -> entry("c", 2, 0, EntryKind.MESSAGE, "a", null, 1, HEAD,
                new byte[StoredEntry.MAX_PAYLOAD_BYTES + 1]), "payload of 2097153 bytes exceeds the limit of 2097152");
        assertThatThrownBy(() -> entry("c", 2, 0, EntryKind.MESSAGE, "a", null, 1, null, PAYLOAD))
                .isInstanceOf(NullPointerException.class).hasMessage("head");
        assertThatThrownBy(() -> entry("c", 2, 0, null, "a", null, 1, HEAD, PAYLOAD))
                .isInstanceOf(NullPointerException.class).hasMessage("kind");
    }

    @Test
    void equalityLooksAtArrayContents() {
        StoredEntry a = entry("c", 2, 0, EntryKind.MESSAGE, "a", null, 1, new byte[32], new byte[] {1, 2});
        StoredEntry b = entry("c", 2, 0, EntryKind.MESSAGE, "a", null, 1, new byte[32], new byte[] {1, 2});
        StoredEntry c = entry("c", 2, 0, EntryKind.MESSAGE, "a", null, 1, new byte[32], new byte[] {1, 3});
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
        assertThat(a.toString()).isEqualTo(
                "StoredEntry[c#2 MESSAGE by a, userSeq 1, t=0, payload 2 bytes]");
    }

    @Test
    void refusesMalformedStates() {
        refused(() -> state(0, HEAD, List.of("a"), List.of("a"), Map.of()), "headSeq 0 of channel c must be at least 1");
        refused(() -> state(1, new byte[3], List.of("a"), List.of("a"), Map.of()),
                "headHash of channel c has 3 bytes, must have 32");
        refused(() -> state(3, HEAD, List.of("a"), List.of(), Map.of()), "channel c has members but no admin");
        refused(() -> state(3, HEAD, List.of("a"), List.of("a", "b"), Map.of()),
                "channel c has admins [a, b] who are not among its members [a]");
        refused(() -> state(3, HEAD, List.of("a"), List.of("a"), Map.of("a", 2L)),
                "channel c lists a as departed at 2 while a member or outside 2..3");
        refused(() -> state(3, HEAD, List.of("a"), List.of("a"), Map.of("b", 4L)),
                "channel c lists b as departed at 4 while a member or outside 2..3");
        assertThat(state(3, HEAD, List.of(), List.of(), Map.of("a", 3L)).members()).isEmpty();
        refused(() -> new RecoveredState(Map.of("d", ChannelState.created("c", HEAD, "a")), Map.of()),
                "channel state for c is filed under d");
    }

    private static ChannelState state(long headSeq, byte[] head, List<String> members, List<String> admins,
                                      Map<String, Long> departed) {
        return new ChannelState("c", headSeq, head, members, admins, 0, false, departed);
    }

    @Test
    void refusesBadOptions() {
        Path dir = Path.of("x");
        StoreOptions defaults = StoreOptions.defaults(dir);
        assertThat(defaults).isEqualTo(new StoreOptions(dir, 64L << 20, 4096, 100_000, 65_536));
        refused(() -> defaults.withSegmentBytes(1023), "segmentBytes 1023 out of range 1024..17179869184");
        refused(() -> defaults.withMaxBatchEntries(0), "maxBatchEntries 0 out of range 1..65536");
        refused(() -> defaults.withCheckpointEveryEntries(0), "checkpointEveryEntries 0 must be at least 1");
        refused(() -> defaults.withMaxPendingEntries(0), "maxPendingEntries 0 must be at least 1");
        assertThatThrownBy(() -> StoreOptions.defaults(null)).isInstanceOf(NullPointerException.class);
    }
}
