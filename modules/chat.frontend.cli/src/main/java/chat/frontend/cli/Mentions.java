package chat.frontend.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a message names you: your user name as a word, with or without '@', in any case
 * ({@code @bob}, {@code Bob:}, {@code thanks bob.}), but not inside a longer name or word
 * ({@code bobby}, {@code bob-2}, {@code jimbob}). User names hold letters, digits, '.', '_'
 * and '-'; a name continues only with a letter, digit, '_' or '-', so a full stop after it
 * still ends it.
 */
final class Mentions {

    private final Pattern pattern;

    Mentions(String me) {
        this.pattern = Pattern.compile("(?<![\\p{L}\\p{N}_.@-])@?" + Pattern.quote(me) + "(?![\\p{L}\\p{N}_-])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    boolean in(String text) {
        return pattern.matcher(text).find();
    }

    /** Each mention as [start, end) in {@code text}, in order. */
    List<int[]> spans(String text) {
        List<int[]> out = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            out.add(new int[] {m.start(), m.end()});
        }
        return out;
    }
}
