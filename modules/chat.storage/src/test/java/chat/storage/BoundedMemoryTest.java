package chat.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A channel of 200,000 entries (about 116 MB of journal) is read whole by a JVM with a
 * 64 MB heap: the store must never hold more than a chunk of it.
 */
class BoundedMemoryTest {

    private static final int ENTRIES = 200_000;
    private static final int PAYLOAD = 500;

    @TempDir
    Path dir;

    @Test
    void readsAHugeChannelInASmallHeap() throws Exception {
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            AppendCallback ignore = new EntryStoreTest.Recorder() {
                @Override
                public void durable(StoredEntry e) {
                }
            };
            store.append(Fixtures.create("big", "alice", 1), ignore);
            for (long seq = 2; seq <= ENTRIES; seq++) {
                store.append(Fixtures.message("big", seq, "alice", seq, PAYLOAD), ignore);
            }
        }
        assertThat(Files2.size(Files2.segment(dir, 1)) + Files2.size(Files2.segment(dir, 2)))
                .isGreaterThan(100L << 20);
        Process reader = Jvm.start(List.of("-Xmx64m"), ChannelReader.class, dir.toString(), "big",
                Integer.toString(PAYLOAD));
        String output = new String(reader.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(reader.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(reader.exitValue()).isZero();
        assertThat(output.strip()).isEqualTo(Integer.toString(ENTRIES));
    }
}
