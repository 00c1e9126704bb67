package chat.launcher;

import java.util.Locale;

/** Sizes on the command line: a number of bytes with an optional K, M, G or T (powers of 1024). */
final class ByteSize {

    private ByteSize() {
    }

    /** {@code value} in bytes; a usage error naming {@code option} if it is not a size. */
    static long parse(String value, String option) {
        String v = value.strip().toUpperCase(Locale.ROOT);
        if (v.endsWith("IB")) {
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("B") && v.length() > 1 && !Character.isDigit(v.charAt(v.length() - 2))) {
            v = v.substring(0, v.length() - 1);
        }
        int shift = 0;
        if (!v.isEmpty()) {
            switch (v.charAt(v.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                case 'T' -> shift = 40;
                default -> shift = -1;
            }
            if (shift >= 0) {
                v = v.substring(0, v.length() - 1);
            } else {
                shift = 0;
            }
        }
        long n;
        try {
            n = Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw CliException.usage(option + ": '" + value + "' is not a size; write bytes or a number with K, M, G"
                    + " or T (e.g. 500M, 2G), or 0 for no limit");
        }
        if (n < 0 || n > (Long.MAX_VALUE >> shift)) {
            throw CliException.usage(option + ": '" + value + "' is out of range (0 = no limit, or up to 8E)");
        }
        return n << shift;
    }

    /** {@code bytes} for people, the way {@link #parse} reads them: 512, 3.4K, 256M, 1.2G. */
    static String format(long bytes) {
        String units = "KMGTPE";
        if (bytes < 1024) {
            return Long.toString(bytes);
        }
        int unit = Math.min((63 - Long.numberOfLeadingZeros(bytes)) / 10, units.length()) - 1;
        double n = bytes / (double) (1L << (10 * (unit + 1)));
        String digits = n >= 100 || n == Math.rint(n) ? String.format(Locale.ROOT, "%.0f", n)
                : String.format(Locale.ROOT, "%.1f", n);
        return digits + units.charAt(unit);
    }
}
