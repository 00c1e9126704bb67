package chat.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The code blocks of one markdown file, as {@link DocCommandsE2ETest} runs them. Every code
 * block must be fenced and name its language; {@code sh} blocks are commands, run top to
 * bottom, any other language is shown only. An HTML comment right before a fence (blank
 * lines between are allowed) changes what happens to the block:
 * <ul>
 * <li>{@code <!-- doc-test: skip: REASON -->}: an {@code sh} block that cannot run in a test, with why;</li>
 * <li>{@code <!-- doc-test: background until "TEXT" -->}: an {@code sh} block that keeps running (a
 *     server, a bot); it is started, waited for until its output shows TEXT, and stopped after the
 *     file's last block;</li>
 * <li>{@code <!-- doc-test: expect "TEXT" -->}: an {@code sh} block whose standard output must
 *     contain TEXT ({@code \n} is a line break);</li>
 * <li>{@code <!-- doc-test: file NAME -->}: a block of any language that the text tells the reader
 *     to save as NAME (relative to the folder the commands run in); it is written there, executable.</li>
 * </ul>
 * A malformed marker, a marker before no fence, a fence without a language and an indented
 * code block are mistakes: {@link #parse} throws, naming the file and line.
 */
final class DocBlocks {

    /** What the test does with a block. */
    enum Action { RUN, SKIP, BACKGROUND, FILE, SHOW }

    /**
     * One fenced block: its file and first line (of the fence), its language, its text, what
     * to do with it and the marker's argument (the reason, the text waited for or expected, the
     * file name; empty for none).
     */
    record Block(String file, int line, String language, String text, Action action, String argument) {

        /** The block's first line, to name it in messages. */
        String firstLine() {
            return text.lines().findFirst().orElse("");
        }

        String where() {
            return file + ":" + line;
        }
    }

    private static final Pattern FENCE = Pattern.compile("^(\\s*)(```+)\\s*(\\S*)\\s*$");
    private static final Pattern MARKER = Pattern.compile("^\\s*<!--\\s*doc-test:(.*?)-->\\s*$");
    private static final Pattern SKIP = Pattern.compile("\\s*skip:\\s*(\\S.*?)\\s*");
    private static final Pattern BACKGROUND = Pattern.compile("\\s*background until \"(.+)\"\\s*");
    private static final Pattern EXPECT = Pattern.compile("\\s*expect \"(.+)\"\\s*");
    private static final Pattern FILE = Pattern.compile("\\s*file ([\\w./-]+)\\s*");
    private static final Pattern LIST_ITEM = Pattern.compile("^\\s*([-*+]|\\d+[.)])\\s.*");

    private DocBlocks() {
    }

    /** The fenced blocks of {@code markdown} (the file {@code file}), in order. */
    static List<Block> parse(String file, String markdown) {
        List<String> lines = markdown.lines().toList();
        List<Block> blocks = new ArrayList<>();
        String marker = null;
        int markerLine = 0;
        String previousText = "";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher fence = FENCE.matcher(line);
            Matcher comment = MARKER.matcher(line);
            if (fence.matches()) {
                int end = closingFence(file, lines, i, fence.group(2));
                String text = String.join("\n", lines.subList(i + 1, end)) + "\n";
                blocks.add(block(file, i + 1, fence.group(3), text, marker, markerLine));
                marker = null;
                previousText = "";
                i = end;
            } else if (comment.matches()) {
                if (marker != null) {
                    throw mistake(file, i + 1, "a second doc-test marker for one code block");
                }
                marker = comment.group(1);
                markerLine = i + 1;
            } else if (line.isBlank()) {
                if (i + 1 < lines.size() && isIndentedCode(lines.get(i + 1), previousText)) {
                    throw mistake(file, i + 2, "an indented code block: fence it with ```sh (commands) or ```text");
                }
            } else {
                if (marker != null) {
                    throw mistake(file, markerLine, "a doc-test marker before no code block");
                }
                previousText = line;
            }
        }
        if (marker != null) {
            throw mistake(file, markerLine, "a doc-test marker before no code block");
        }
        return blocks;
    }

    private static int closingFence(String file, List<String> lines, int open, String ticks) {
        for (int j = open + 1; j < lines.size(); j++) {
            if (lines.get(j).strip().equals(ticks)) {
                return j;
            }
        }
        throw mistake(file, open + 1, "a code block that is never closed");
    }

    /** An indented line after a blank one is code unless it continues a list item. */
    private static boolean isIndentedCode(String line, String previousText) {
        return line.startsWith("    ") && !line.isBlank()
                && !previousText.isEmpty() && !LIST_ITEM.matcher(previousText).matches()
                && !previousText.startsWith(" ");
    }

    private static Block block(String file, int line, String language, String text, String marker, int markerLine) {
        if (language.isEmpty()) {
            throw mistake(file, line, "a code block without a language: ```sh for commands, ```text for output");
        }
        boolean shell = language.equals("sh");
        if (marker == null) {
            return new Block(file, line, language, text, shell ? Action.RUN : Action.SHOW, "");
        }
        Matcher m;
        if ((m = FILE.matcher(marker)).matches()) {
            return new Block(file, line, language, text, Action.FILE, m.group(1));
        }
        if (!shell) {
            throw mistake(file, markerLine, "only a 'file' doc-test marker goes before a ```" + language + " block");
        }
        if ((m = SKIP.matcher(marker)).matches()) {
            return new Block(file, line, language, text, Action.SKIP, m.group(1));
        }
        if ((m = BACKGROUND.matcher(marker)).matches()) {
            return new Block(file, line, language, text, Action.BACKGROUND, m.group(1));
        }
        if ((m = EXPECT.matcher(marker)).matches()) {
            return new Block(file, line, language, text, Action.RUN, m.group(1).replace("\\n", "\n"));
        }
        throw mistake(file, markerLine, "an unknown doc-test marker '" + marker.strip()
                + "': skip: REASON, background until \"TEXT\", expect \"TEXT\" or file NAME");
    }

    private static IllegalArgumentException mistake(String file, int line, String what) {
        return new IllegalArgumentException(file + ":" + line + ": " + what);
    }
}
