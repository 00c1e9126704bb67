package chat.frontend.json;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads standard input line by line with a bound on the line length, so a script that
 * sends megabytes without a newline costs a bounded buffer: the over-long line is skipped
 * up to its newline and reported, and the next line is read normally.
 */
final class LineInput {

    /** The longest command line: a message text may be 64 KiB of UTF-8, in JSON escapes up to six times that. */
    static final int MAX_CHARS = 512 * 1024;

    /** A line, or the fact that one was too long. */
    sealed interface Line {
        record Text(String text) implements Line {
        }

        record TooLong(long chars) implements Line {
        }
    }

    private final Reader in;
    private final int max;
    private final StringBuilder line = new StringBuilder();
    /** Read ahead of the current line (the reader is read in blocks, not a call per character). */
    private final char[] buffer = new char[8192];
    private int pos;
    private int end;

    LineInput(Reader in, int max) {
        this.in = in;
        this.max = max;
    }

    /** The next line without its terminator, or null at the end of input. */
    Line next() throws IOException {
        line.setLength(0);
        long length = 0;
        boolean newline = false;
        while (!newline) {
            if (pos == end) {
                int n = in.read(buffer, 0, buffer.length);
                if (n <= 0) {
                    break;
                }
                pos = 0;
                end = n;
            }
            int from = pos;
            while (pos < end && buffer[pos] != '\n') {
                pos++;
            }
            int chunk = pos - from;
            if (length + chunk <= max) {
                line.append(buffer, from, chunk);
            } else if (length < max) {
                line.append(buffer, from, (int) (max - length));
            }
            length += chunk;
            if (pos < end) {
                pos++; // the newline
                newline = true;
            }
        }
        if (!newline && length == 0) {
            return null;
        }
        if (length > max) {
            return new Line.TooLong(length);
        }
        int last = line.length();
        if (last > 0 && line.charAt(last - 1) == '\r') {
            line.setLength(last - 1);
        }
        return new Line.Text(line.toString());
    }
}
