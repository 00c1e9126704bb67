package chat.frontend.cli;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pastes too big to edit in place, held aside while a line is typed. A paste of several
 * lines, or one that would make the input line taller than the window, shows as a short
 * label in the line ({@code [pasted: 12 lines, 3,400 characters]}); Enter sends the line
 * with the label replaced by the paste, as one message. Editing the input line stays
 * cheap whatever was pasted (JLine redraws the whole line on every key, which took
 * minutes once the line was taller than the window), and a paste that would make the
 * message longer than the client sends is refused at once instead of after the typing.
 */
final class Pastes {

    /** What to do with one paste. */
    sealed interface Outcome {
        /** Short enough to edit: goes into the line as it is. */
        record Insert(String text) implements Outcome {
        }

        /** Held aside; {@code label} goes into the line instead. */
        record Held(String label) implements Outcome {
        }

        /** The message would be too long: the sentence says so, the line stays as it was. */
        record Refused(String sentence) implements Outcome {
        }
    }

    private final int maxBytes;
    private final Map<String, String> held = new LinkedHashMap<>();

    Pastes(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * A paste arrives while {@code line} is typed; {@code fitsColumns} is how many
     * characters the input line can show without growing taller than the window.
     */
    Outcome paste(String line, String pasted, int fitsColumns) {
        String text = pasted.replace("\r\n", "\n").replace('\r', '\n').stripTrailing();
        long bytes = utf8(expand(line)) + utf8(text);
        if (bytes > maxBytes) {
            return new Outcome.Refused(String.format("Paste refused: it would make a message of %,d bytes, and a"
                    + " message holds at most %,d bytes (UTF-8). Nothing was added to the line.", bytes, maxBytes));
        }
        int lines = (int) text.chars().filter(c -> c == '\n').count() + 1;
        if (lines == 1 && line.length() + text.length() <= fitsColumns) {
            return new Outcome.Insert(text);
        }
        String label = String.format("[pasted: %s, %,d characters]",
                lines == 1 ? "1 line" : String.format("%,d lines", lines), text.length());
        while (held.containsKey(label) || line.contains(label)) {
            label = label.substring(0, label.length() - 1) + "']";
        }
        held.put(label, text);
        return new Outcome.Held(label);
    }

    /** The line as it is sent: each label still in it replaced by its paste. Forgets the pastes. */
    String accept(String line) {
        String expanded = expand(line);
        held.clear();
        return expanded;
    }

    private String expand(String line) {
        String out = line;
        for (var e : held.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
        }
        return out;
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
