package chat.storage;

import static chat.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Thousands of channels: index file handles stay bounded and checkpoints cover evicted files. */
class ManyChannelsTest {

    private static final int CHANNELS = 3_000;

    @TempDir
    Path dir;

    private static long openFileDescriptors() throws Exception {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return 0; // not Linux: nothing to count
        }
        try (Stream<Path> list = Files.list(fds)) {
            return list.count();
        }
    }

    @Test
    void threeThousandChannels() throws Exception {
        StoreOptions options = StoreOptions.defaults(dir).withCheckpointEveryEntries(1_000).withMaxBatchEntries(64);
        long fdsBefore = openFileDescriptors();
        List<StoredEntry> all = new ArrayList<>();
        try (EntryStore store = EntryStore.open(options)) {
            for (int round = 1; round <= 3; round++) {
                List<StoredEntry> batch = new ArrayList<>();
                for (int c = 0; c < CHANNELS; c++) {
                    String channel = "ch" + c;
                    batch.add(round == 1 ? create(channel, "u" + c, 1)
                            : message(channel, round, "u" + c, round, 16));
                }
                appendAll(store, batch);
                all.addAll(batch);
            }
            assertThat(store.stats().checkpoints()).isGreaterThanOrEqualTo(8);
            assertThat(openFileDescriptors() - fdsBefore).isLessThan(300);
        }
        byte[] checkpoint = Files.readAllBytes(Files2.checkpoint(dir));
        try (EntryStore store = EntryStore.open(options)) {
            assertThat(store.recoveredState().channels()).hasSize(CHANNELS);
            for (int c = 0; c < CHANNELS; c += 97) {
                String channel = "ch" + c;
                assertThat(readAll(store, channel, 0, 10))
                        .isEqualTo(all.stream().filter(e -> e.channel().equals(channel)).toList());
            }
        }
        assertThat(Files.readAllBytes(Files2.checkpoint(dir))).isEqualTo(checkpoint); // nothing to redo
    }
}
