package chat.frontend.json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads standard input line by line with a bound on the line length, so a script that
 * sends megabytes without a newline costs a bounded buffer: the over-long line is skipped
 * up to its newline and reported, and the next line is read normally. Lines are decoded
 * as UTF-8 strictly: a line that is not valid UTF-8 is reported, not silently given
 * replacement characters (a bot would otherwise send text it never wrote).
 */
final class LineInput {

    /** The longest command line, in bytes: a message text may be 64 KiB of UTF-8, in JSON escapes up to six times that. */
    static final int MAX_BYTES = 512 * 1024;

    /** A line, or the fact that one was too long or not UTF-8. */
    sealed interface Line {
        record Text(String text) implements Line {
        }

        record TooLong(long bytes) implements Line {
        }

        /** Not valid UTF-8: the first bad byte is at {@code offset} (from 0) in the line. */
        record NotUtf8(int offset) implements Line {
        }
    }

    private final InputStream in;
    private final int max;
    private byte[] line = new byte[256];
    /** Read ahead of the current line: the stream is read in blocks, not a call per byte. */
    private final byte[] buffer = new byte[8192];
    private int pos;
    private int end;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    /** {@code in} is read in blocks of 8 KiB; it need not be buffered. */
    LineInput(InputStream in, int max) {
        this.in = in;
        this.max = max;
    }

    /** The next line without its terminator, or null at the end of input. */
    Line next() throws IOException {
        int size = 0;
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
            int keep = (int) Math.max(0, Math.min(chunk, max - length)); // past the bound only counted
            if (keep > 0) {
                if (size + keep > line.length) {
                    line = Arrays.copyOf(line, Math.min(max, Math.max(size + keep, line.length * 2)));
                }
                System.arraycopy(buffer, from, line, size, keep);
                size += keep;
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
        if (size > 0 && line[size - 1] == '\r') {
            size--;
        }
        ByteBuffer bytes = ByteBuffer.wrap(line, 0, size);
        try {
            return new Line.Text(utf8.reset().decode(bytes).toString());
        } catch (MalformedInputException e) {
            return new Line.NotUtf8(bytes.position());
        } catch (CharacterCodingException e) {
            return new Line.NotUtf8(bytes.position());
        }
    }
}
