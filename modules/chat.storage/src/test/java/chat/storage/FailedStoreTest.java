package chat.storage;

import static chat.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.storage.internal.FileOpener;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After a write or fsync error the store fails every append from then on and never retries. */
class FailedStoreTest {

    @TempDir
    Path dir;

    private final AtomicBoolean failWrites = new AtomicBoolean();
    private final AtomicBoolean failForce = new AtomicBoolean();
    private final FileOpener failing = (path, options) ->
            new FailingChannel(FileChannel.open(path, options), failWrites, failForce);

    @Test
    void aFailedFsyncFailsThatBatchAndEveryLaterAppend() throws Exception {
        var entries = channel("c", 20, 10);
        try (LogCapture logs = new LogCapture(); EntryStore store = EntryStore.open(StoreOptions.defaults(dir), failing)) {
            appendAll(store, entries.subList(0, 10));
            failForce.set(true);
            var afterFailure = entries.subList(10, 21).stream().map(e -> append(store, e)).toList();
            for (var future : afterFailure) {
                assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(StoreIOException.class)
                        .hasMessageContaining("cannot write or fsync the journal in")
                        .hasMessageContaining("injected EIO on fsync");
            }
            failForce.set(false); // the disk "recovers": the store must still not retry
            assertThatThrownBy(() -> append(store, message("c", 22, "alice", 22, 1)).get(30, TimeUnit.SECONDS))
                    .cause().isInstanceOf(StoreIOException.class);
            assertThat(store.durableHead("c")).isEqualTo(10);
            assertThat(store.stats()).isEqualTo(new StoreStats(10, store.stats().groupCommits(), 0, true));
            assertThat(readAll(store, "c", 0, 100)).isEqualTo(entries.subList(0, 10));
            assertThat(logs.records()).anyMatch(r -> r.contains("the store has failed"));
        }
        // What a failed fsync left on disk is unknown: recovery keeps a valid prefix that holds
        // at least everything reported durable.
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            List<StoredEntry> recovered = readAll(store, "c", 0, 100);
            assertThat(recovered.size()).isBetween(10, 22);
            assertThat(recovered.subList(0, 10)).isEqualTo(entries.subList(0, 10));
        }
    }

    @Test
    void aFailedWriteFailsTheBatchAndNothingOfItSurvives() throws Exception {
        var entries = channel("c", 20, 10);
        try (LogCapture logs = new LogCapture(); EntryStore store = EntryStore.open(StoreOptions.defaults(dir), failing)) {
            appendAll(store, entries.subList(0, 5));
            failWrites.set(true);
            assertThatThrownBy(() -> append(store, entries.get(5)).get(30, TimeUnit.SECONDS))
                    .cause().isInstanceOf(StoreIOException.class).hasMessageContaining("injected EIO on write");
            assertThat(store.stats().failed()).isTrue();
        }
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            assertThat(readAll(store, "c", 0, 100)).isEqualTo(entries.subList(0, 5));
            appendAll(store, entries.subList(5, 21)); // a healthy disk again: the journal continues
        }
    }
}
