package chat.server;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How long the server keeps messages (docs/user-guide.md, "Retention"). Messages older than
 * {@code keep} (by the server's timestamp) are compacted away: their payloads leave the
 * disk, and a replay shows each run of them as one {@code expired} placeholder. Creations,
 * invitations, member changes and rotations carry the membership and the keys and are kept.
 *
 * @param keep         how long a message is kept; null = for ever
 * @param compactEvery how often the journal is compacted in the background (and once at start)
 */
public record Retention(Duration keep, Duration compactEvery) {

    /** The default: nothing expires. */
    public static final Retention FOREVER = new Retention(null, Duration.ofHours(1));
    /** The default interval between compactions. */
    public static final Duration DEFAULT_COMPACT_EVERY = Duration.ofHours(1);

    public Retention {
        Objects.requireNonNull(compactEvery, "compactEvery");
        if (keep != null && (keep.isNegative() || keep.isZero())) {
            throw new IllegalArgumentException("the retention period must be positive, got " + keep);
        }
        if (compactEvery.isNegative() || compactEvery.isZero()) {
            throw new IllegalArgumentException("the compaction interval must be positive, got " + compactEvery);
        }
    }

    /** Whether messages expire at all. */
    public boolean expires() {
        return keep != null;
    }

    /**
     * Parses a duration such as {@code 30d}, {@code 12h}, {@code 90m} or {@code 45s} (a
     * whole number and one unit: d, h, m, s).
     *
     * @throws IllegalArgumentException with a sentence naming {@code option} and the accepted form
     */
    public static Duration parseDuration(String text, String option) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.length() >= 2 && t.chars().limit(t.length() - 1).allMatch(Character::isDigit) && t.length() <= 12) {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            Duration d = switch (t.charAt(t.length() - 1)) {
                case 'd' -> Duration.ofDays(n);
                case 'h' -> Duration.ofHours(n);
                case 'm' -> Duration.ofMinutes(n);
                case 's' -> Duration.ofSeconds(n);
                default -> null;
            };
            if (d != null && !d.isZero()) {
                return d;
            }
        }
        throw new IllegalArgumentException(option + ": '" + text + "' is not a duration; write a positive whole number"
                + " and a unit, d (days), h (hours), m (minutes) or s (seconds), e.g. 30d or 12h");
    }
}
