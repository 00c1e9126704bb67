package chat.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Cost check, not a test: writes a journal of about 200 MB (20 channels, 1 KiB payloads,
 * 16 MiB segments), then compacts it with every message expired while a writer goes on
 * appending one entry at a time (waiting for each to be durable, as a client waits for its
 * echo). Prints the journal's size before and after, the pass's time, and the writer's
 * slowest append during the pass.
 *
 * <p>Run from modules/chat.storage after {@code mvnw test-compile}:
 * {@code java -cp target/classes:target/test-classes chat.storage.CompactionCost [dir]}
 * (the directory defaults to a fresh one under target/ and is deleted afterwards).
 */
public final class CompactionCost {

    private static final int CHANNELS = 20;
    private static final int PER_CHANNEL = 9_500;
    private static final int PAYLOAD = 1024;

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory(Path.of("target"), "compact");
        StoreOptions options = StoreOptions.defaults(dir).withSegmentBytes(16L << 20);
        try (EntryStore store = EntryStore.open(options)) {
            for (int c = 0; c < CHANNELS; c++) {
                List<StoredEntry> entries = Fixtures.channel("channel-" + c, PER_CHANNEL - 1, PAYLOAD);
                Fixtures.appendAll(store, entries);
            }
            Fixtures.appendAll(store, List.of(Fixtures.create("live", "writer", 1)));
            long before = journalBytes(dir);
            // Every fixture message is stamped in late 2023: all of them are past a one-day period.
            long started = System.nanoTime();
            store.startRetention(Duration.ofDays(1), Duration.ofHours(1), m -> { });
            long slowest = 0;
            long appends = 0;
            CompletableFuture<CompactionStats> pass = CompletableFuture.supplyAsync(() -> {
                try {
                    return store.compactNow(); // waits for the pass at start, then finds nothing more
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            while (!pass.isDone()) {
                long t = System.nanoTime();
                Fixtures.append(store, Fixtures.message("live", appends + 2, "writer", appends + 2, 200)).get();
                slowest = Math.max(slowest, System.nanoTime() - t);
                appends++;
            }
            long ms = (System.nanoTime() - started) / 1_000_000;
            pass.get();
            long after = journalBytes(dir);
            System.out.println("journal " + before / 1_000_000 + " MB before, " + after / 1_000_000 + " MB after; "
                    + "compaction of everything took about " + ms + " ms ; "
                    + appends + " durable appends meanwhile, the slowest " + slowest / 1_000_000 + " ms");
        }
        if (args.length == 0) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long journalBytes(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("journal"))) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
