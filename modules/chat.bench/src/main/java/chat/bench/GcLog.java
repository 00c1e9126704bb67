package chat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's heap as its {@code -Xlog:gc} lines tell it ("GC(7) Pause Young (Normal)
 * (G1 Evacuation Pause) 52M->9M(256M) 3.141ms"): the most used before a collection, the
 * used after the last one, the most committed, and the pauses.
 */
record GcLog(int pauses, double pauseMillis, long maxBeforeMiB, long lastAfterMiB, long maxAfterMiB,
             long maxCommittedMiB) {

    private static final Pattern PAUSE = Pattern.compile("Pause .*?(\\d+)M->(\\d+)M\\((\\d+)M\\)(?: (\\d+\\.\\d+)ms)?");

    static GcLog read(Path file) {
        int pauses = 0;
        double millis = 0;
        long maxBefore = 0;
        long lastAfter = -1;
        long maxAfter = 0;
        long committed = 0;
        try {
            for (String line : Files.readAllLines(file)) {
                Matcher m = PAUSE.matcher(line);
                if (!m.find()) {
                    continue;
                }
                long before = Long.parseLong(m.group(1));
                long after = Long.parseLong(m.group(2));
                pauses++;
                if (m.group(4) != null) {
                    millis += Double.parseDouble(m.group(4));
                }
                maxBefore = Math.max(maxBefore, before);
                maxAfter = Math.max(maxAfter, after);
                lastAfter = after;
                committed = Math.max(committed, Long.parseLong(m.group(3)));
            }
        } catch (IOException e) {
            // no log: all unknown
        }
        return new GcLog(pauses, millis, maxBefore, lastAfter, maxAfter, committed);
    }

    /** What happened between {@code earlier} and this reading: pauses and their time. */
    GcLog since(GcLog earlier) {
        return new GcLog(pauses - earlier.pauses, pauseMillis - earlier.pauseMillis, maxBeforeMiB, lastAfterMiB,
                maxAfterMiB, maxCommittedMiB);
    }
}
