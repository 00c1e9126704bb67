package chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sealed append-only files of the local state: what is written reads back, a torn
 * tail is cut off, a damaged record in the middle is skipped (and counted) with those after
 * it kept, and records cannot be moved to another file, reordered or dropped from the
 * middle without the loss showing.
 */
class SealedLogTest {

    private static final byte[] KEY = new byte[32];
    /** 8-byte magic, then per record: 4-byte length, 12-byte nonce, ciphertext, 16-byte tag. */
    private static final int MAGIC = 8;
    private static final int OVERHEAD = 4 + 12 + 16;

    static {
        Arrays.fill(KEY, (byte) 7);
    }

    @TempDir
    Path tmp;

    private final List<byte[]> records = List.of(bytes("first record"), bytes(""), bytes("x".repeat(5000)),
            bytes("fourth"));

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Path write(String name, String label, List<byte[]> what) throws IOException {
        Path file = tmp.resolve(name);
        try (SealedLog log = SealedLog.open(file, label, KEY, new ArrayList<>())) {
            for (byte[] r : what) {
                log.append(r);
            }
            log.sync();
        }
        return file;
    }

    private static List<byte[]> read(Path file, String label, byte[] key) throws IOException {
        List<byte[]> out = new ArrayList<>();
        SealedLog.open(file, label, key, out).close();
        return out;
    }

    /** Where record {@code index} of {@link #records} starts in the file. */
    private long offset(int index) {
        long at = MAGIC;
        for (int i = 0; i < index; i++) {
            at += OVERHEAD + records.get(i).length;
        }
        return at;
    }

    @Test
    void recordsReadBackInOrderAndTheFileHoldsNoPlaintext() throws IOException {
        Path file = write("a.log", "channel:general", records);
        assertThat(read(file, "channel:general", KEY)).containsExactlyElementsOf(records);
        byte[] raw = Files.readAllBytes(file);
        assertThat(new String(raw, 0, MAGIC, StandardCharsets.US_ASCII)).isEqualTo("chatlog1");
        assertThat(raw).hasSize((int) offset(records.size()));
        assertThat(new String(raw, StandardCharsets.ISO_8859_1)).doesNotContain("first record", "fourth", "xxxx");
    }

    @Test
    void appendingAfterReopeningContinuesTheFile() throws IOException {
        Path file = write("a.log", "meta", records.subList(0, 2));
        try (SealedLog log = SealedLog.open(file, "meta", KEY, new ArrayList<>())) {
            assertThat(log.count()).isEqualTo(2);
            log.append(records.get(2));
            log.append(records.get(3));
        }
        assertThat(read(file, "meta", KEY)).containsExactlyElementsOf(records);
    }

    @Test
    void aTornLastRecordIsCutOffAndTheFileStaysUsable() throws IOException {
        Path file = write("a.log", "outbox", records);
        long full = Files.size(file);
        truncate(file, full - 5);
        assertThat(read(file, "outbox", KEY)).containsExactlyElementsOf(records.subList(0, 3));
        assertThat(Files.size(file)).as("cut at the end of the last whole record").isEqualTo(offset(3));

        try (SealedLog log = SealedLog.open(file, "outbox", KEY, new ArrayList<>())) {
            log.append(bytes("after the tear"));
        }
        List<byte[]> again = read(file, "outbox", KEY);
        assertThat(again).hasSize(4);
        assertThat(again.get(3)).isEqualTo(bytes("after the tear"));
    }

    @Test
    void aTornLengthHeaderIsCutOffToo() throws IOException {
        Path file = write("a.log", "outbox", records);
        truncate(file, offset(3) + 2);
        assertThat(read(file, "outbox", KEY)).containsExactlyElementsOf(records.subList(0, 3));
        assertThat(Files.size(file)).isEqualTo(offset(3));
    }

    @Test
    void aFlippedByteInTheMiddleLosesOnlyThatRecordAndSaysSo() throws IOException {
        Path file = write("a.log", "outbox", records);
        byte[] raw = Files.readAllBytes(file);
        raw[(int) offset(2) + 4 + 12 + 100] ^= 0x01;
        Files.write(file, raw);
        List<byte[]> out = new ArrayList<>();
        try (SealedLog log = SealedLog.open(file, "outbox", KEY, out)) {
            assertThat(log.skipped()).isEqualTo(1);
            assertThat(log.damage()).contains("1 damaged record was skipped");
            log.append(bytes("fifth"));
        }
        assertThat(out).containsExactly(records.get(0), records.get(1), records.get(3));
        assertThat(read(file, "outbox", KEY)).containsExactly(records.get(0), records.get(1), records.get(3),
                bytes("fifth"));
    }

    @Test
    void aFlippedByteInTheLastRecordCutsItAsATornWrite() throws IOException {
        Path file = write("a.log", "outbox", records);
        byte[] raw = Files.readAllBytes(file);
        raw[(int) offset(3) + 4 + 12 + 2] ^= 0x01;
        Files.write(file, raw);
        assertThat(read(file, "outbox", KEY)).containsExactlyElementsOf(records.subList(0, 3));
        assertThat(Files.size(file)).isEqualTo(offset(3));
    }

    @Test
    void anAbsurdLengthIsTreatedAsDamage() throws IOException {
        Path file = write("a.log", "outbox", records);
        byte[] raw = Files.readAllBytes(file);
        raw[(int) offset(1)] = (byte) 0x7f;
        Files.write(file, raw);
        assertThat(read(file, "outbox", KEY)).containsExactlyElementsOf(records.subList(0, 1));
    }

    @Test
    void aRecordDoesNotOpenUnderAnotherLabel() throws IOException {
        Path file = write("a.log", "channel:general", records);
        Path moved = Files.copy(file, tmp.resolve("b.log"));
        assertThat(read(moved, "channel:random", KEY)).isEmpty();
        assertThat(read(file, "channel:general", KEY)).containsExactlyElementsOf(records);
    }

    @Test
    void swappedRecordsDoNotOpen() throws IOException {
        Path file = write("a.log", "outbox", records);
        byte[] raw = Files.readAllBytes(file);
        int a = (int) offset(0);
        int b = (int) offset(1);
        int c = (int) offset(2);
        byte[] swapped = new byte[raw.length];
        System.arraycopy(raw, 0, swapped, 0, a);
        System.arraycopy(raw, b, swapped, a, c - b);
        System.arraycopy(raw, a, swapped, a + (c - b), b - a);
        System.arraycopy(raw, c, swapped, c, raw.length - c);
        Files.write(file, swapped);
        // neither swapped record opens in its new place; those after them still do
        assertThat(read(file, "outbox", KEY)).containsExactlyElementsOf(records.subList(2, 4));
    }

    @Test
    void aRecordDroppedFromTheMiddleEndsTheFileThere() throws IOException {
        Path file = write("a.log", "outbox", records);
        byte[] raw = Files.readAllBytes(file);
        int from = (int) offset(1);
        int to = (int) offset(2);
        byte[] dropped = new byte[raw.length - (to - from)];
        System.arraycopy(raw, 0, dropped, 0, from);
        System.arraycopy(raw, to, dropped, from, raw.length - to);
        Files.write(file, dropped);
        assertThat(read(file, "outbox", KEY)).containsExactlyElementsOf(records.subList(0, 1));
    }

    @Test
    void anotherKeyOpensNothing() throws IOException {
        Path file = write("a.log", "outbox", records);
        byte[] other = KEY.clone();
        other[0] ^= 1;
        assertThat(read(file, "outbox", other)).isEmpty();
    }

    @Test
    void aFileWithADamagedHeaderIsMovedAsideAndStartedAfresh() throws IOException {
        Path file = Files.writeString(tmp.resolve("a.log"), "something else entirely");
        List<byte[]> out = new ArrayList<>();
        try (SealedLog log = SealedLog.open(file, "outbox", KEY, out)) {
            assertThat(log.startedAfresh()).isTrue();
            assertThat(log.damage()).contains("header was damaged").contains("a.log.damaged-");
        }
        assertThat(out).isEmpty();
        try (var aside = Files.list(tmp)) {
            Path kept = aside.filter(p -> p.getFileName().toString().startsWith("a.log.damaged-")).findFirst()
                    .orElseThrow();
            assertThat(Files.readString(kept)).isEqualTo("something else entirely");
        }
        assertThat(read(file, "outbox", KEY)).isEmpty();
    }

    @Test
    void rewriteReplacesTheFileWithExactlyTheGivenRecordsAndAppendsGoOnInTheNewFile() throws IOException {
        Path file = write("a.log", "outbox", records);
        try (SealedLog log = SealedLog.rewrite(file, "outbox", KEY, List.of(bytes("only one")), true)) {
            assertThat(log.count()).isEqualTo(1);
            log.append(bytes("appended after"));
        }
        List<byte[]> after = read(file, "outbox", KEY);
        assertThat(after).hasSize(2);
        assertThat(after.get(0)).isEqualTo(bytes("only one"));
        assertThat(after.get(1)).isEqualTo(bytes("appended after"));
        assertThat(tmp.resolve("a.log.tmp")).doesNotExist();
    }

    @Test
    void aRewriteThatCannotFinishLeavesTheFileAsItWas() throws IOException {
        Path file = write("a.log", "outbox", records);
        byte[] before = Files.readAllBytes(file);
        List<byte[]> failsHalfWay = java.util.Arrays.asList(bytes("first"), null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SealedLog.rewrite(file, "outbox", KEY,
                failsHalfWay, true)).isInstanceOf(NullPointerException.class);
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(tmp.resolve("a.log.tmp")).doesNotExist();
    }

    private static void truncate(Path file, long size) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }
}
