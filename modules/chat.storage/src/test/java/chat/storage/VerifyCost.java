package chat.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Cost check, not a test: writes a journal of about 200 MB (20 channels, 1 KiB payloads),
 * closes it (so the checkpoint sits at its end) and opens it again, printing the time the
 * open-time verification of the journal before the checkpoint took (the FINE record on
 * {@code chat.storage}) and the whole open.
 *
 * <p>Run from modules/chat.storage after {@code mvnw test-compile}:
 * {@code java -cp target/classes:target/test-classes chat.storage.VerifyCost [dir]}
 * (the directory defaults to a fresh one under target/ and is deleted afterwards).
 */
public final class VerifyCost {

    private static final int CHANNELS = 20;
    private static final int PER_CHANNEL = 9_500;
    private static final int PAYLOAD = 1024;

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory(Path.of("target"), "verify");
        StoreOptions options = StoreOptions.defaults(dir);
        try (EntryStore store = EntryStore.open(options)) {
            for (int c = 0; c < CHANNELS; c++) {
                List<StoredEntry> entries = Fixtures.channel("channel-" + c, PER_CHANNEL - 1, PAYLOAD);
                Fixtures.appendAll(store, entries);
            }
        }
        long journal;
        try (Stream<Path> files = Files.list(dir.resolve("journal"))) {
            journal = files.mapToLong(f -> f.toFile().length()).sum();
        }
        Logger logger = Logger.getLogger("chat.storage");
        logger.setLevel(Level.FINE);
        for (int run = 1; run <= 3; run++) {
            try (LogCapture logs = new LogCapture()) {
                long started = System.nanoTime();
                EntryStore.open(options).close();
                long ms = (System.nanoTime() - started) / 1_000_000;
                System.out.println("journal " + journal / 1_000_000 + " MB; open " + ms + " ms; "
                        + logs.records().stream().filter(r -> r.startsWith("verified")).findFirst().orElse("?"));
            }
        }
        if (args.length == 0) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
