package chat.frontend.cli;

import chat.client.Alarm;
import chat.client.HistoryItem;
import java.text.BreakIterator;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * How each kind of line looks, irssi-style: {@code 14:02 <bob> hello}. Times are local
 * (HH:mm); the day is a line of its own when it changes. Everything that came from other
 * people or from the server passes through {@link #clean} first: a message must not be
 * able to move the cursor, recolour the screen or reorder text with control characters.
 * Screens without colour print the same text without the styles.
 */
final class LineFormat {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEEE d MMMM uuuu", Locale.ENGLISH);
    /** How much of a message for another channel its one-line notice shows. */
    static final int NOTICE_TEXT = 60;

    static final AttributedStyle DIM = AttributedStyle.DEFAULT.faint();
    static final AttributedStyle ERROR = AttributedStyle.DEFAULT.foreground(AttributedStyle.RED);
    static final AttributedStyle ALARM = AttributedStyle.BOLD.foreground(AttributedStyle.RED);
    static final AttributedStyle MINE = AttributedStyle.BOLD;
    static final AttributedStyle HEADER = AttributedStyle.BOLD;

    /** A mention of you in someone else's message. */
    static final AttributedStyle MENTION = AttributedStyle.BOLD.foreground(AttributedStyle.YELLOW);

    private final String me;
    private final ZoneId zone;
    private final Mentions mentions;

    LineFormat(String me, ZoneId zone) {
        this.me = me;
        this.zone = zone;
        this.mentions = new Mentions(me);
    }

    Mentions mentions() {
        return mentions;
    }

    ZoneId zone() {
        return zone;
    }

    LocalDate day(Instant at) {
        return at.atZone(zone).toLocalDate();
    }

    /** {@code 14:02 <bob> text}; further lines of the text are indented under the first. */
    AttributedString message(String from, String text, Instant at, boolean mine) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        b.style(DIM).append(time(at)).style(AttributedStyle.DEFAULT).append(' ');
        int start = b.length();
        name(b, from, mine);
        b.append(' ');
        String indent = " ".repeat(b.length() - start + 6);
        String[] lines = clean(text).split("\n", -1);
        boolean others = !mine && !from.equals(me);
        highlighted(b, lines[0], others, AttributedStyle.DEFAULT);
        for (int i = 1; i < lines.length; i++) {
            b.append('\n').append(indent);
            highlighted(b, lines[i], others, AttributedStyle.DEFAULT);
        }
        return b.toAttributedString();
    }

    /** Appends {@code text} in {@code style}, with the mentions of you in {@link #MENTION} when {@code marks}. */
    private void highlighted(AttributedStringBuilder b, String text, boolean marks, AttributedStyle style) {
        int at = 0;
        if (marks) {
            for (int[] span : mentions.spans(text)) {
                b.style(style).append(text, at, span[0]).style(MENTION).append(text, span[0], span[1]);
                at = span[1];
            }
        }
        b.style(style).append(text, at, text.length()).style(AttributedStyle.DEFAULT);
    }

    /**
     * A message found by /search: {@code 2026-11-25 14:02 #general <bob> text}, the text on
     * one line, what was searched for in bold.
     */
    AttributedString found(String channel, String from, String text, Instant at, String searched) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        b.style(DIM).append(FOUND_TIME.format(at.atZone(zone))).append(" #").append(channel)
                .style(AttributedStyle.DEFAULT).append(' ');
        name(b, from, from.equals(me));
        b.append(' ');
        String line = clean(text).replace('\n', ' ');
        String lower = line.toLowerCase(Locale.ROOT);
        String needle = searched.toLowerCase(Locale.ROOT);
        int at0 = 0;
        for (int i = needle.isEmpty() ? -1 : lower.indexOf(needle); i >= 0 && lower.length() == line.length();
             i = lower.indexOf(needle, at0)) {
            b.append(line, at0, i).style(AttributedStyle.BOLD).append(line, i, i + needle.length())
                    .style(AttributedStyle.DEFAULT);
            at0 = i + needle.length();
        }
        return b.append(line, at0, line.length()).toAttributedString();
    }

    private static final DateTimeFormatter FOUND_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm", Locale.ROOT);

    /** One dim line for a message in a channel other than the one shown: {@code 14:02 [#random] <bob> hey}. */
    AttributedString elsewhere(String channel, String from, String text, Instant at) {
        String first = shortened(clean(text).replace('\n', ' '), NOTICE_TEXT);
        AttributedStringBuilder b = new AttributedStringBuilder();
        b.style(DIM).append(time(at)).append(" [#").append(channel).append("] ");
        b.style(DIM.foreground(NameColours.colour(from))).append('<').append(from).append('>');
        b.style(DIM).append(' ');
        highlighted(b, first, !from.equals(me), DIM);
        return b.toAttributedString();
    }

    /** A member joined: {@code 14:03 -- alice added bob --}, or created the channel. */
    AttributedString joined(String channel, String member, String by, Instant at, boolean elsewhere) {
        String what = member.equals(by) ? who(by) + " created #" + channel
                : who(by) + " added " + (member.equals(me) ? "you" : member) + (elsewhere ? " to #" + channel : "");
        return new AttributedStringBuilder().style(DIM).append(time(at)).append(" -- ").append(what).append(" --")
                .toAttributedString();
    }

    /** A member left, was removed, or was made an admin. */
    AttributedString memberChanged(String channel, String member, String by, HistoryItem.Change change, Instant at,
                                   boolean elsewhere) {
        String subject = member.equals(me) ? "you" : member;
        String where = elsewhere ? " #" + channel : "";
        String what = switch (change) {
            case LEFT -> (member.equals(me) ? "you left" : who(member) + " left") + where;
            case REMOVED -> who(by) + " removed " + subject + (elsewhere ? " from #" + channel : "");
            case ADMIN -> who(by) + " made " + subject + " an admin" + (elsewhere ? " of #" + channel : "");
        };
        return new AttributedStringBuilder().style(DIM).append(time(at)).append(" -- ").append(clean(what)).append(" --")
                .toAttributedString();
    }

    /** The channel key was rotated. */
    AttributedString rotated(String channel, String by, long epoch, Instant at, boolean elsewhere) {
        String what = who(by) + " rotated the key" + (elsewhere ? " of #" + channel : "") + " (epoch " + epoch + ")";
        return new AttributedStringBuilder().style(DIM).append(time(at)).append(" -- ").append(clean(what)).append(" --")
                .toAttributedString();
    }

    /** A run of messages the server no longer keeps (its retention period): one line in their place. */
    AttributedString expired(long count, Instant at) {
        String what = String.format(java.util.Locale.ROOT, "%,d older message%s expired on the server", count,
                count == 1 ? "" : "s");
        return new AttributedStringBuilder().style(DIM).append(time(at)).append(" -- ").append(what).append(" --")
                .toAttributedString();
    }

    /** Your own removal or departure: one clear line, the channel is read-only from here. */
    AttributedString removedYou(String channel, String by, boolean left) {
        String text = left ? "You left #" + channel + "; it stays here as read-only history."
                : who(by) + " removed you from #" + channel + "; it stays here as read-only history.";
        return new AttributedString("! " + clean(text), ERROR);
    }

    AttributedString dayLine(LocalDate day) {
        return new AttributedStringBuilder().style(DIM).append("--- ").append(DAY.format(day)).append(" ---")
                .toAttributedString();
    }

    AttributedString header(String text) {
        return new AttributedString(clean(text), HEADER);
    }

    /** Something about the connection or the session: {@code -- reconnected --}. */
    AttributedString notice(String text) {
        return new AttributedString("-- " + clean(text) + " --", DIM);
    }

    AttributedString info(String text) {
        return new AttributedString(clean(text));
    }

    AttributedString hint(String text) {
        return new AttributedString(clean(text), DIM);
    }

    /** A refused command or a failure: says what happened in a sentence. */
    AttributedString error(String text) {
        return new AttributedString("! " + clean(text), ERROR);
    }

    /** Loud on purpose: the server (or a member) misbehaved, and the person must see it. */
    AttributedString alarm(Alarm alarm) {
        StringBuilder s = new StringBuilder("!! ALARM");
        if (!alarm.channel().isEmpty()) {
            s.append(" in #").append(alarm.channel());
            if (alarm.seq() > 0) {
                s.append(" at entry ").append(alarm.seq());
            }
        }
        s.append(": ").append(describe(alarm.kind())).append(" - ").append(alarm.detail());
        return new AttributedString(clean(s.toString()), ALARM);
    }

    static String describe(Alarm.Kind kind) {
        return switch (kind) {
            case GAP -> "entries are missing";
            case REWRITTEN -> "an entry was rewritten";
            case BAD_SIGNATURE -> "a signature does not verify";
            case NOT_MEMBER -> "an entry by someone who is not a member";
            case BAD_CREATE -> "a malformed channel creation";
            case BAD_INVITE -> "an impossible invitation";
            case REPLAYED -> "an entry was replayed or reordered";
            case FORK -> "the server shows people different histories";
            case TIMESTAMP -> "the server's clock went backwards";
            case UNDECRYPTABLE -> "an entry does not decrypt";
            case SHORTER_HISTORY -> "the history got shorter";
            case CHANNEL_WITHHELD -> "the server withholds a channel";
            case WRONG_EPOCH -> "an entry uses a key that is not the channel's current one";
            case NOT_ADMIN -> "a removal or promotion by someone who is not an admin";
            case BAD_MEMBER_CHANGE -> "an impossible membership change";
            case STALE_KEY -> "an entry under a key a departed member still holds";
            case BAD_ROTATION -> "a key rotation that leaves out or adds members";
            case BAD_KEY -> "a member handed out a wrong channel key";
            case KEY_CHANGED -> "a user's key changed";
            case DIRECTORY_ROLLBACK -> "the server serves an older directory of users";
            case DIRECTORY_FORK -> "the server shows people different directories of users";
            case BAD_USER_SEQ -> "the server announced an impossible message counter";
        };
    }

    private String time(Instant at) {
        return TIME.format(at.atZone(zone));
    }

    private String who(String user) {
        return user.equals(me) ? "you" : user;
    }

    private void name(AttributedStringBuilder b, String from, boolean mine) {
        if (mine || from.equals(me)) {
            b.style(MINE).append('<').append(from).append('>').style(AttributedStyle.DEFAULT);
        } else {
            b.style(NameColours.of(from)).append('<').append(from).append('>').style(AttributedStyle.DEFAULT);
        }
    }

    /**
     * {@code text} if it has at most {@code max} characters as a person counts them (a
     * letter with its accents, an emoji made of several code points: one each), else its
     * first {@code max - 3} followed by "...". Never cuts inside a character.
     */
    static String shortened(String text, int max) {
        BreakIterator characters = BreakIterator.getCharacterInstance(Locale.ROOT);
        characters.setText(text);
        int cut = 0;
        for (int count = 0; count < max; count++) {
            int next = characters.next();
            if (next == BreakIterator.DONE) {
                return text;
            }
            if (count < max - 3) {
                cut = next;
            }
        }
        return characters.next() == BreakIterator.DONE ? text : text.substring(0, cut) + "...";
    }

    /**
     * Text from others, made harmless for a terminal: control characters (escape sequences
     * included), bidirectional controls (which reorder what follows them) and lone
     * surrogates (half a character, which a terminal shows as garbage or not at all) become
     * U+FFFD; tabs become spaces; line breaks stay (the caller indents them), and the
     * Unicode line and paragraph separators become line breaks.
     */
    static String clean(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = null;
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    if (out != null) {
                        out.append(c).append(text.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
                replacement = "\uFFFD";
            } else if (c == '\t') {
                replacement = "    ";
            } else if (c == '\r') {
                replacement = "";
            } else if (c == '\u2028' || c == '\u2029') {
                replacement = "\n";
            } else if (c != '\n' && (c < 0x20 || (c >= 0x7f && c <= 0x9f) || isBidiControl(c))) {
                replacement = "\uFFFD";
            }
            if (replacement != null && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    /** The marks and embeddings that change the direction of text: ALM, LRM, RLM, LRE...PDF, LRI...PDI. */
    private static boolean isBidiControl(char c) {
        return c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069);
    }
}
