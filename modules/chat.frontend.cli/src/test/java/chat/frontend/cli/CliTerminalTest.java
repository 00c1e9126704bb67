package chat.frontend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import chat.client.Alarm;
import chat.client.spi.ExitStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The frontend as a person uses it: keystrokes into a JLine terminal, the screen read
 * back. The client behind it is a {@link FakeClient}, so other people's actions happen
 * exactly when the test says.
 */
class CliTerminalTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T12:34:00Z"), ZoneOffset.UTC);
    private static final String ENTER = "\r";

    private final TerminalHarness term = new TerminalHarness();

    @AfterEach
    void close() throws Exception {
        term.close();
    }

    private FakeClient loggedInTo(String... channels) {
        return loggedInTo(Duration.ofSeconds(2), channels);
    }

    /** Logged in with {@code channels}; leaving waits up to {@code drain}. */
    private FakeClient loggedInTo(Duration drain, String... channels) {
        FakeContext context = new FakeContext(CLOCK, "pa", c -> {
            for (String ch : channels) {
                c.channelFrom("bob", ch, List.of("alice"));
            }
        });
        term.start(context, CLOCK, drain);
        term.await(() -> context.client != null, "the login");
        return context.client;
    }

    @Test
    void wrongThenRightPasswordThenCreateInviteJoinAndSend() throws Exception {
        FakeContext context = new FakeContext(CLOCK, null, c -> { });
        term.start(context, CLOCK);
        int at = term.awaitText("Password for alice: ");
        term.type("nope" + ENTER);
        at = term.awaitText("Wrong password for alice (2 tries left).", at);
        term.awaitText("Password for alice: ", at);
        term.type("pa" + ENTER);
        at = term.awaitText("You have no channels yet.", at);
        assertThat(term.text()).doesNotContain("nope", "pa\n").contains("/create NAME starts a channel");
        FakeClient client = context.client;

        term.type("/create general" + ENTER);
        at = term.awaitText("12:34 -- you created #general --", at);
        term.type("/invite bob" + ENTER);
        at = term.awaitText("12:34 -- you added bob --", at);

        client.channelFrom("bob", "random", List.of("alice", "carol"));
        at = term.awaitText("-- bob added you to #random --", at);
        term.type("/join random" + ENTER);
        at = term.awaitText("#random  3 members: bob, alice (you), carol", at);
        term.type("hi bob" + ENTER);
        term.awaitText("12:34 <alice> hi bob", at);
        assertThat(client.sent()).containsExactly("random:hi bob");

        term.type("\u0004");
        assertThat(term.awaitExit()).isEqualTo(ExitStatus.OK);
    }

    @Test
    void anInvitationWhileInNoChannelSwitchesToItAndOneWhileInAChannelOnlySaysSo() throws Exception {
        FakeClient client = loggedInTo();
        int at = term.awaitText("You have no channels yet.");

        client.channelFrom("bob", "random", List.of("alice", "carol"));
        at = term.awaitText("#random  3 members: bob, alice (you), carol", at);
        term.awaitStatus(" alice | 1:#random");
        assertThat(term.text()).doesNotContain("/join random to switch to it");
        term.type("hi all" + ENTER);
        at = term.awaitText("12:34 <alice> hi all", at);
        assertThat(client.sent()).containsExactly("random:hi all");

        client.channelFrom("carol", "ops", List.of("alice"));
        at = term.awaitText("-- carol added you to #ops --", at);
        at = term.awaitText("/join ops to switch to it", at);
        term.type("still here" + ENTER);
        term.awaitText("12:34 <alice> still here", at);
        assertThat(client.sent()).containsExactly("random:hi all", "random:still here");
    }

    @Test
    void aMessageArrivingWhileTypingLeavesTheTypedTextAndCursorAsTheyWere() throws Exception {
        FakeClient client = loggedInTo("general", "random");
        term.awaitText("#general  2 members");
        term.type("hel");
        term.awaitBuffer("hel");
        int before = term.text().length();

        client.deliver("general", "bob", "are you there?");
        int at = term.awaitText("12:34 <bob> are you there?", before);
        // The line is drawn again under the message: prompt, the typed text, cursor after it.
        term.awaitText("general> hel", at);
        assertThat(term.screen.reader().getBuffer().toString()).isEqualTo("hel");
        assertThat(term.screen.reader().getBuffer().cursor()).isEqualTo(3);

        client.deliver("random", "bob", "lunch?");
        at = term.awaitText("12:34 [#random] <bob> lunch?", at);
        term.awaitText("general> hel", at);
        assertThat(term.screen.reader().getBuffer().toString()).isEqualTo("hel");
        assertThat(term.screen.reader().getBuffer().cursor()).isEqualTo(3);
        assertThat(client.sent()).isEmpty();

        term.type("lo" + ENTER);
        term.awaitText("12:34 <alice> hello", at);
        assertThat(client.sent()).containsExactly("general:hello");
    }

    @Test
    void otherChannelsShowOneLineAndCountUnreadInTheStatusBar() {
        FakeClient client = loggedInTo("general", "random");
        int at = term.awaitText("#general  2 members");
        client.deliver("random", "bob", "one");
        client.deliver("random", "bob", "two");
        at = term.awaitText("[#random] <bob> two", at);
        term.awaitStatus(" alice | 1:#general | 2:#random 2 ");
    }

    @Test
    void altDigitAndSlashNumberSwitchChannelsNumberedAsChannelsListsThem() {
        FakeClient client = loggedInTo("general", "random");
        int at = term.awaitText("#general  2 members");
        term.awaitStatus(" alice | 1:#general ");
        term.type("\u001b2");
        at = term.awaitText("#random  2 members", at);
        term.awaitStatus(" alice | 2:#random ");
        term.type("/1" + ENTER);
        at = term.awaitText("#general  2 members", at);
        term.awaitStatus(" alice | 1:#general ");
        term.type("/win 3" + ENTER);
        term.awaitText("There is no channel 3: you have 2 channels (/channels lists them with their numbers).", at);
        term.type("/channels" + ENTER);
        term.awaitText("   2 #random   2 members", at);
        assertThat(client.sent()).isEmpty();
    }

    private static long bells(String raw) {
        return raw.chars().filter(c -> c == 7).count();
    }

    @Test
    void mentionsAndOtherChannelsRingTheBellOwnMessagesAndNotifyOffDoNot() {
        FakeClient client = loggedInTo("general", "random");
        int at = term.awaitText("#general  2 members");
        long before = bells(term.raw());
        client.deliver("general", "bob", "hi @alice");
        at = term.awaitText("<bob> hi @alice", at);
        term.await(() -> bells(term.raw()) == before + 1, "a bell for the mention");
        client.deliver("general", "bob", "nothing for you");
        client.deliver("general", "alice", "alice here"); // my own: never
        at = term.awaitText("<alice> alice here", at);
        client.deliver("random", "bob", "elsewhere");
        at = term.awaitText("[#random] <bob> elsewhere", at);
        term.await(() -> bells(term.raw()) == before + 2, "a bell for the other channel, none for the rest");
        term.type("/notify mentions" + ENTER);
        at = term.awaitText("Notifications for mentions only", at);
        client.deliver("random", "bob", "again elsewhere");
        at = term.awaitText("[#random] <bob> again elsewhere", at);
        term.type("/notify off" + ENTER);
        at = term.awaitText("Notifications off", at);
        client.deliver("general", "bob", "alice?");
        term.awaitText("<bob> alice?", at);
        term.type("/notify" + ENTER);
        term.awaitText("Notifications: off (/notify on|mentions|off changes it).", at);
        assertThat(bells(term.raw())).isEqualTo(before + 2);
    }

    @Test
    void pageUpShowsOlderEntriesFromTheStoredHistoryAndPageDownComesBack() {
        FakeClient client = loggedInTo("general");
        int at = term.awaitText("#general  2 members");
        for (int i = 1; i <= 80; i++) {
            client.deliver("general", "bob", "line " + i);
        }
        at = term.awaitText("<bob> line 80", at);
        term.type("\u001b[5~");
        at = term.awaitText("(#general, entries ", at);
        term.awaitStatus(" alice | 1:#general | scrolled back: PageDown ");
        int page = at;
        term.awaitText("<bob> line 40", page);
        term.type("\u001b[5~");
        at = term.awaitText("<bob> line 20", at);
        client.deliver("general", "bob", "while away");
        term.awaitStatus(" alice | 1:#general | scrolled back, 1 new below: PageDown ");
        assertThat(term.text().substring(at)).doesNotContain("while away");
        for (int i = 0; i < 4; i++) {
            term.type("\u001b[6~");
        }
        at = term.awaitText("<bob> while away", at);
        term.awaitStatus(" alice | 1:#general ");
        assertThat(client.sent()).isEmpty();
    }

    @Test
    void clearEmptiesTheWindowAndSearchFindsMessagesWithChannelTimeAndAuthor() {
        FakeClient client = loggedInTo("general", "random");
        int at = term.awaitText("#general  2 members");
        client.deliver("random", "bob", "Lunch at noon?");
        client.deliver("general", "bob", "no lunch today");
        at = term.awaitText("<bob> no lunch today", at);
        term.type("/search LUNCH" + ENTER);
        at = term.awaitText("2 messages on this device contain \"LUNCH\" (searched here only: the server learns nothing):", at);
        term.awaitText("2026-11-25 12:34 #random <bob> Lunch at noon?", at); // the same minute: either order
        at = Math.max(at, term.awaitText("2026-11-25 12:34 #general <bob> no lunch today", at));
        term.type("/search dinner" + ENTER);
        at = term.awaitText("No message on this device contains \"dinner\".", at);
        term.type("/clear" + ENTER);
        term.await(() -> term.raw().lastIndexOf("\u001b[2J") > term.raw().lastIndexOf("No message on this device"),
                "the window cleared");
    }

    @Test
    void whoMarksWhoIsOnline() {
        FakeClient client = loggedInTo("general");
        client.online.add("bob");
        int at = term.awaitText("#general  2 members");
        term.type("/who" + ENTER);
        at = term.awaitText("#general: 2 members, 2 online now", at);
        term.awaitText("  bob          online", at);
        term.awaitText("  alice (you)  online", at);
    }

    @Test
    void anAlarmIsLoudAndStaysInTheStatusBarUntilAlarmsIsRun() {
        FakeClient client = loggedInTo("general");
        int at = term.awaitText("#general  2 members");
        client.raise(new Alarm("general", 5, Alarm.Kind.GAP,
                "the server claims entries up to #7 but delivered only up to #4"));
        at = term.awaitText("!! ALARM in #general at entry 5: entries are missing - the server claims entries up"
                + " to #7 but delivered only up to #4", at);
        // Bold red: ESC[1;31m (or the same attributes in another order).
        assertThat(term.raw()).containsPattern("\u001b\\[(1;31|31;1)m!! ALARM");
        term.awaitStatus(" alice | 1:#general |  !! 1 alarm: /alarms ");
        client.raise(new Alarm("general", 6, Alarm.Kind.REWRITTEN, "entry 6 came again with other content"));
        term.awaitStatus("!! 2 alarms: /alarms");

        term.type("/alarms" + ENTER);
        at = term.awaitText("2 alarms since you logged in", at);
        term.awaitStatusWithout("alarm");
        term.awaitStatus(" alice | 1:#general ");
        assertThat(term.screen.statusShown().toString()).doesNotContain("alarm");
    }

    @Test
    void connectionLossAndReconnectionShowInTheStatusBarAndAsLines() {
        FakeClient client = loggedInTo("general");
        int at = term.awaitText("#general  2 members");
        client.disconnect("the server is shutting down (shuttingDown)", Duration.ofSeconds(30));
        at = term.awaitText("-- connection lost: the server is shutting down; reconnecting --", at);
        term.awaitStatus("| offline, retrying in ");
        client.reconnect();
        term.awaitText("-- reconnected --", at);
        term.awaitStatus(" alice | 1:#general ");
        assertThat(term.screen.statusShown().toString()).doesNotContain("offline");
    }

    @Test
    void refusedCommandsSaySoInSentences() {
        loggedInTo("general");
        int at = term.awaitText("#general  2 members");
        term.type("/invite dave" + ENTER);
        at = term.awaitText("There is no user dave in the directory.", at);
        term.type("/invite bob" + ENTER);
        at = term.awaitText("bob is already a member of #general.", at);
        term.type("/create general" + ENTER);
        at = term.awaitText("Channel #general already exists.", at);
        term.type("/join nowhere" + ENTER);
        at = term.awaitText("You have no channel #nowhere.", at);
        term.type("/frobnicate" + ENTER);
        term.awaitText("There is no command /frobnicate.", at);
        assertThat(term.text()).doesNotContain("unknownInvitee", "alreadyMember", "channelExists");
    }

    @Test
    void tabCompletesCommandsChannelsAndUsers() {
        loggedInTo("general", "random");
        term.awaitText("#general  2 members");
        term.type("/inv\t");
        term.awaitBuffer("/invite ");
        term.type("ca\t");
        term.awaitBuffer("/invite carol ");
        term.type("\u0015/join ra\t"); // Ctrl-U clears the line first
        term.awaitBuffer("/join random ");
    }

    @Test
    void upArrowRecallsWhatWasTyped() {
        FakeClient client = loggedInTo("general");
        term.awaitText("#general  2 members");
        term.type("first" + ENTER);
        term.awaitText("<alice> first");
        term.type("\u001bOA"); // Up, as an xterm in keypad mode sends it
        term.awaitBuffer("first");
        assertThat(client.sent()).containsExactly("general:first");
    }

    @Test
    void quotesBackslashesAndExclamationMarksAreSentAsTyped() {
        FakeClient client = loggedInTo("general");
        term.awaitText("#general  2 members");
        String text = "don't \"quote\" me \\o/ hi!! !$ 100% #1";
        term.type(text + ENTER);
        term.awaitText("<alice> don't");
        assertThat(client.sent()).containsExactly("general:" + text);
    }

    private static final String PASTE_START = "\u001b[200~";
    private static final String PASTE_END = "\u001b[201~";

    @Test
    void aMultiLinePasteIsHeldBehindALabelAndSentAsOneMessage() {
        FakeClient client = loggedInTo("general");
        term.awaitText("#general  2 members");
        term.type("look: " + PASTE_START + "line one\r\nline two\r/not a command\r\n" + PASTE_END);
        term.awaitBuffer("look: [pasted: 3 lines, 32 characters]");
        term.type(ENTER);
        term.awaitText("<alice> look: line one");
        assertThat(client.sent()).containsExactly("general:look: line one\nline two\n/not a command");
    }

    @Test
    void aLongOneLinePasteIsHeldAndATooLongOneRefusedAtOnce() {
        FakeClient client = loggedInTo("general");
        term.awaitText("#general  2 members");
        String tall = "word ".repeat(700).strip(); // taller than the 30-row window
        term.type(PASTE_START + tall + PASTE_END);
        term.awaitBuffer("[pasted: 1 line, 3,499 characters]");
        term.type(" and more" + PASTE_START + "x".repeat(70_000) + PASTE_END);
        term.awaitText("Paste refused: it would make a message of 73,508 bytes");
        term.awaitBuffer("[pasted: 1 line, 3,499 characters] and more");
        term.type(ENTER);
        term.awaitText("<alice> word word");
        assertThat(client.sent()).containsExactly("general:" + tall + " and more");
        term.type(PASTE_START + "short" + PASTE_END);
        term.awaitBuffer("short");
    }

    @Test
    void ctrlCLeavesCleanly() throws Exception {
        loggedInTo("general");
        term.awaitText("#general  2 members");
        term.awaitBuffer(""); // Ctrl-C is a signal: it reaches the line reader only while it reads
        term.type("\u0003");
        assertThat(term.awaitExit()).isEqualTo(ExitStatus.OK);
        term.awaitText("Bye.");
    }

    @Test
    void aMessageTypedBeforeTheCreateIsConfirmedWaitsForItWhileDisplayCommandsRunAtOnce() {
        FakeClient client = loggedInTo();
        int at = term.awaitText("You have no channels yet.");
        client.holdAcknowledgements(true);
        term.type("/create zz" + ENTER);
        term.awaitStatus(" alice | #zz ");
        term.type("hi" + ENTER);
        at = term.awaitText("(waiting for #zz to be created; it will be sent then)", at);
        term.type("/channels" + ENTER);
        at = term.awaitText(" * #zz  being created  (current)", at);
        term.type("/help" + ENTER);
        at = term.awaitText("Commands:", at);
        assertThat(client.sent()).isEmpty();

        client.releaseHeld(); // the server confirms the creation: the message goes
        at = term.awaitText("12:34 -- you created #zz --", at);
        term.awaitText("12:34 <alice> hi", at);
        assertThat(client.sent()).containsExactly("zz:hi");
    }

    @Test
    void ctrlCWhileLeavingStopsWaitingAndSaysWhatWasNotSent() throws Exception {
        // Leaving would wait far longer than the harness waits for the exit: only Ctrl-C ends it in time.
        FakeClient client = loggedInTo(Duration.ofMinutes(10), "general");
        int at = term.awaitText("#general  2 members");
        client.holdAcknowledgements(true);
        term.type("/create zz" + ENTER);
        term.type("hi there" + ENTER);
        at = term.awaitText("(waiting for #zz to be created; it will be sent then)", at);
        term.type("/quit" + ENTER);
        at = term.awaitText("Waiting for the server to confirm 2 commands... (Ctrl-C: leave now)", at);
        term.type("\u0003");
        assertThat(term.awaitExit()).isEqualTo(ExitStatus.OK);
        at = term.awaitText("1 command not yet confirmed by the server stays queued on this device", at);
        at = term.awaitText("! Not sent to #zz (waiting for the server): hi there", at);
        term.awaitText("Bye.", at);
        assertThat(client.sent()).isEmpty();
    }

    @Test
    void threeWrongPasswordsExitWithTheAuthCode() throws Exception {
        FakeContext context = new FakeContext(CLOCK, null, c -> { });
        term.start(context, CLOCK);
        int at = 0;
        for (String left : List.of("(2 tries left)", "(1 try left)")) {
            at = term.awaitText("Password for alice: ", at);
            term.type("nope" + ENTER);
            at = term.awaitText("Wrong password for alice " + left + ".", at);
        }
        term.awaitText("Password for alice: ", at);
        term.type("nope" + ENTER);
        term.awaitText("Wrong password for alice. Not logged in.", at);
        assertThat(term.awaitExit()).isEqualTo(ExitStatus.AUTH);
        assertThat(context.attempts).isEqualTo(3);
    }

    @Test
    void historyPrintsEveryEntryOfTheChannel() {
        FakeClient client = loggedInTo("general");
        for (int i = 1; i <= 30; i++) {
            client.deliver("general", "bob", "message " + i);
        }
        int at = term.awaitText("<bob> message 30");
        term.type("/history" + ENTER);
        at = term.awaitText("History of #general: 32 entries", at);
        at = term.awaitText("12:34 -- bob created #general --", at);
        // the same day as the date line above: not repeated (issue 13)
        assertThat(term.text().substring(term.text().indexOf("History of #general"))).doesNotContain("--- Wednesday");
        term.awaitText("<bob> message 30", at);
    }
}
