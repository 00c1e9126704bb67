package chat.frontend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import chat.client.Alarm;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.jline.utils.AttributedStyle;
import org.junit.jupiter.api.Test;

class LineFormatTest {

    private final LineFormat format = new LineFormat("alice", ZoneId.of("Europe/Paris"));
    private final Instant noon = Instant.parse("2026-11-25T11:00:00Z");

    @Test
    void messagesShowLocalTimeAndTheSender() {
        assertThat(format.message("bob", "hi", noon, false).toString()).isEqualTo("12:00 <bob> hi");
        assertThat(format.day(Instant.parse("2026-11-25T23:30:00Z"))).isEqualTo(LocalDate.of(2026, 11, 26));
        assertThat(format.dayLine(LocalDate.of(2026, 11, 26)).toString()).isEqualTo("--- Thursday 26 November 2026 ---");
    }

    @Test
    void anExpiredRunIsOneLineWithItsCount() {
        assertThat(format.expired(1234, noon).toString()).isEqualTo("12:00 -- 1,234 older messages expired on the server --");
        assertThat(format.expired(1, noon).toString()).isEqualTo("12:00 -- 1 older message expired on the server --");
    }

    @Test
    void furtherLinesOfAMessageAreIndentedUnderItsText() {
        assertThat(format.message("bob", "one\ntwo", noon, false).toString())
                .isEqualTo("12:00 <bob> one\n            two");
    }

    @Test
    void ownNameIsBoldOthersHaveTheirColour() {
        var mine = format.message("alice", "x", noon, true);
        assertThat(mine.styleAt(mine.toString().indexOf('<'))).isEqualTo(LineFormat.MINE);
        var theirs = format.message("bob", "x", noon, false);
        assertThat(theirs.styleAt(theirs.toString().indexOf('<'))).isEqualTo(NameColours.of("bob"));
    }

    @Test
    void controlCharactersFromOthersCannotReachTheTerminal() {
        assertThat(LineFormat.clean("a\u001b[2Jb\u0007c\u009bd")).isEqualTo("a\uFFFD[2Jb\uFFFDc\uFFFDd");
        assertThat(LineFormat.clean("evil\u202Etxt.exe")).isEqualTo("evil\uFFFDtxt.exe");
        assertThat(LineFormat.clean("tab\there\r\nnext")).isEqualTo("tab    here\nnext");
        assertThat(LineFormat.clean("plain text, unchanged")).isEqualTo("plain text, unchanged");
        assertThat(format.message("bob", "\u001b]0;owned\u0007", noon, false).toString()).doesNotContain("\u001b");
    }

    @Test
    void bidiMarksLineSeparatorsAndLoneSurrogatesAreNeutralised() {
        assertThat(LineFormat.clean("a\u061Cb\u200Ec\u200Fd\u2066e\u2069f")).isEqualTo("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf");
        assertThat(LineFormat.clean("one\u2028two\u2029three")).isEqualTo("one\ntwo\nthree");
        assertThat(format.message("bob", "one\u2028two", noon, false).toString())
                .isEqualTo("12:00 <bob> one\n            two");
        assertThat(LineFormat.clean("x\uD83Dy")).isEqualTo("x\uFFFDy"); // a high surrogate alone
        assertThat(LineFormat.clean("x\uDE00y")).isEqualTo("x\uFFFDy"); // a low surrogate alone
        assertThat(LineFormat.clean("end\uD83D")).isEqualTo("end\uFFFD");
        assertThat(LineFormat.clean("\uDE00\uD83D")).isEqualTo("\uFFFD\uFFFD"); // in the wrong order
        assertThat(LineFormat.clean("smile \uD83D\uDE00 ok")).isEqualTo("smile \uD83D\uDE00 ok");
        assertThat(LineFormat.clean("\u001b\uD83D\uDE00\uD83D")).isEqualTo("\uFFFD\uD83D\uDE00\uFFFD");
    }

    @Test
    void theShortLineNeverCutsACharacterInTwo() {
        String smile = "\uD83D\uDE00";
        String line = format.elsewhere("random", "bob", smile.repeat(100), noon).toString();
        assertThat(line).isEqualTo("12:00 [#random] <bob> " + smile.repeat(LineFormat.NOTICE_TEXT - 3) + "...");
        assertThat(LineFormat.clean(line)).isEqualTo(line); // no half character left
        // A family emoji is one character of several code points; an accent stays on its letter.
        String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67";
        assertThat(LineFormat.shortened("ab" + family + "cdef", 6)).isEqualTo("ab" + family + "...");
        assertThat(LineFormat.shortened("abe\u0301fghi", 6)).isEqualTo("abe\u0301...");
        assertThat(LineFormat.shortened("abcdef", 6)).isEqualTo("abcdef");
        assertThat(LineFormat.shortened(smile.repeat(6), 6)).isEqualTo(smile.repeat(6));
    }

    @Test
    void otherChannelsGetOneShortLine() {
        String text = "x".repeat(100) + "\nsecond line";
        assertThat(format.elsewhere("random", "bob", text, noon).toString())
                .isEqualTo("12:00 [#random] <bob> " + "x".repeat(LineFormat.NOTICE_TEXT - 3) + "...");
    }

    @Test
    void membershipLines() {
        assertThat(format.joined("general", "alice", "alice", noon, false).toString())
                .isEqualTo("12:00 -- you created #general --");
        assertThat(format.joined("general", "bob", "alice", noon, false).toString())
                .isEqualTo("12:00 -- you added bob --");
        assertThat(format.joined("random", "alice", "bob", noon, true).toString())
                .isEqualTo("12:00 -- bob added you to #random --");
    }

    @Test
    void alarmsNameTheChannelTheEntryAndWhatIsWrong() {
        var line = format.alarm(new Alarm("general", 5, Alarm.Kind.FORK, "heads differ"));
        assertThat(line.toString()).isEqualTo("!! ALARM in #general at entry 5: the server shows people different"
                + " histories - heads differ");
        assertThat(line.styleAt(0)).isEqualTo(AttributedStyle.BOLD.foreground(AttributedStyle.RED));
        assertThat(format.alarm(new Alarm("", 0, Alarm.Kind.FORK, "key changed")).toString())
                .isEqualTo("!! ALARM: the server shows people different histories - key changed");
        for (Alarm.Kind kind : Alarm.Kind.values()) {
            assertThat(LineFormat.describe(kind)).isNotBlank();
        }
    }

    @Test
    void mentionsOfYouAreHighlightedInOthersMessagesOnly() {
        var line = format.message("bob", "hi @alice and alice", noon, false);
        String text = line.toString();
        assertThat(text).isEqualTo("12:00 <bob> hi @alice and alice");
        int at = text.indexOf("@alice");
        assertThat(line.styleAt(at)).isEqualTo(LineFormat.MENTION);
        assertThat(line.styleAt(at + 5)).isEqualTo(LineFormat.MENTION);
        assertThat(line.styleAt(at - 1)).isNotEqualTo(LineFormat.MENTION);
        assertThat(line.styleAt(text.lastIndexOf("alice"))).isEqualTo(LineFormat.MENTION);
        var mine = format.message("alice", "I am alice", noon, true);
        assertThat(mine.styleAt(mine.toString().lastIndexOf("alice"))).isNotEqualTo(LineFormat.MENTION);
        var elsewhere = format.elsewhere("random", "bob", "alice?", noon);
        assertThat(elsewhere.styleAt(elsewhere.toString().indexOf("alice?"))).isEqualTo(LineFormat.MENTION);
    }

    @Test
    void aSearchResultShowsDayTimeChannelAuthorAndTheMatchInBold() {
        var line = format.found("general", "bob", "Lunch at NOON\ntomorrow", noon, "noon");
        assertThat(line.toString()).isEqualTo("2026-11-25 12:00 #general <bob> Lunch at NOON tomorrow");
        assertThat(line.styleAt(line.toString().indexOf("NOON"))).isEqualTo(AttributedStyle.BOLD);
    }
}
