package chat.frontend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import chat.client.Alarm;
import chat.client.LoginException;
import chat.client.spi.ExitStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Without a terminal: a script's lines in, plain lines out, exit codes for every failed login. */
class CliPlainTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T09:05:00Z"), ZoneOffset.UTC);

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private int exit;

    private FakeContext run(String input, String password, Consumer<FakeClient> replay) throws Exception {
        return run(input, password, replay, null);
    }

    private FakeContext run(String input, String password, Consumer<FakeClient> replay, LoginException failure)
            throws Exception {
        FakeContext context = new FakeContext(CLOCK, password, replay);
        context.failure = failure;
        try (PlainScreen screen = new PlainScreen(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                null)) {
            exit = CliFrontend.run(context, screen, CLOCK, Duration.ofSeconds(2), new StopHook());
        }
        return context;
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aScriptCreatesSendsAndQuitsWithReadableLines() throws Exception {
        FakeContext context = run("/create x\nhello\n/invite bob\n/members\n/quit\n", "pa", c -> { });
        assertThat(exit).isEqualTo(ExitStatus.OK);
        assertThat(out()).isEqualTo("""
                You have no channels yet.
                /create NAME starts a channel (or wait for an invitation); /help lists commands.
                --- Wednesday 25 November 2026 ---
                09:05 -- you created #x --
                #x is ready: /invite NAME brings people in.
                09:05 <alice> hello
                09:05 -- you added bob --
                #x: 2 members: alice (you), bob
                """);
        assertThat(err()).isEmpty();
        assertThat(context.client.sent()).containsExactly("x:hello");
    }

    @Test
    void theDateLineShowsOnceADayNotAgainOnEveryJoinOrHistory() throws Exception {
        run("/create x\nhello\n/create y\nthere\n/join x\n/history\n/join y\n/quit\n", "pa", c -> { });
        assertThat(out()).containsOnlyOnce("--- Wednesday 25 November 2026 ---");
    }

    @Test
    void whoisShowsTheFingerprintAndVerifyMarksIt() throws Exception {
        FakeContext context = run("/whois bob\n/verify bob\n/whois bob\n/whois nobody\n/quit\n", "pa", c -> { });
        String fingerprint = context.client.whois("bob").fingerprint();
        assertThat(out()).contains("bob  " + fingerprint + "\n"
                + "  key in the directory since version 1 (")
                .contains("  not verified: compare the fingerprint with bob (in person or by phone), then /verify bob\n")
                .contains("  marked verified: you compared this fingerprint with bob\n")
                .contains("  verified: you compared this fingerprint with bob\n");
        assertThat(err()).contains("there is no user nobody in the directory");
    }

    @Test
    void theMostRecentChannelIsShownAfterTheChannelList() throws Exception {
        run("", "pa", c -> {
            c.channelFrom("bob", "general", List.of("alice"));
            c.deliver("general", "bob", "good morning");
        });
        assertThat(out()).isEqualTo("""
                Your channels:
                   1 #general  2 members, 1 unread
                #general  2 members: bob, alice (you)
                --- Wednesday 25 November 2026 ---
                09:05 -- bob created #general --
                09:05 -- bob added you --
                09:05 <bob> good morning
                """);
    }

    @Test
    void linesStartingWithTwoSlashesAreSentWithOne() throws Exception {
        FakeContext context = run("//shrug\n", "pa", c -> c.channelFrom("bob", "general", List.of("alice")));
        assertThat(context.client.sent()).containsExactly("general:/shrug");
    }

    @Test
    void alarmsFromTheReplayAreShownAfterTheChannel() throws Exception {
        run("/alarms\n", "pa", c -> {
            c.channelFrom("bob", "general", List.of("alice"));
            c.raise(new Alarm("general", 3, Alarm.Kind.BAD_SIGNATURE, "entry 3 is not signed by bob's key"));
        });
        assertThat(out()).contains("""
                09:05 -- bob added you --
                !! ALARM in #general at entry 3: a signature does not verify - entry 3 is not signed by bob's key
                1 alarm since you logged in""");
    }

    @Test
    void withoutATerminalThePasswordMustBeSupplied() throws Exception {
        FakeContext context = run("/quit\n", null, c -> { });
        assertThat(exit).isEqualTo(ExitStatus.USAGE);
        assertThat(err()).contains("set CHAT_PASSWORD or use --password-file FILE");
        assertThat(context.attempts).isZero();
    }

    @Test
    void aWrongSuppliedPasswordIsNotRetried() throws Exception {
        FakeContext context = run("", "nope", c -> { });
        assertThat(exit).isEqualTo(ExitStatus.AUTH);
        assertThat(err()).isEqualTo("! Wrong password for alice. Not logged in.\n");
        assertThat(context.attempts).isEqualTo(1);
    }

    @Test
    void anUnreachableServerIsNamedWithItsAddress() throws Exception {
        run("", "pa", c -> { }, new LoginException(LoginException.Reason.UNREACHABLE,
                "cannot reach the server at 127.0.0.1:8989: Connection refused", new ConnectException("Connection refused")));
        assertThat(exit).isEqualTo(ExitStatus.UNREACHABLE);
        assertThat(err()).isEqualTo("! Cannot reach the server at 127.0.0.1:8989: connection refused. Is it running?\n");
    }

    @Test
    void aServerThatDoesNotProveItsKeyIsNotUsed() throws Exception {
        run("", "pa", c -> { }, new LoginException(LoginException.Reason.SERVER_KEY_MISMATCH, "mismatch"));
        assertThat(exit).isEqualTo(ExitStatus.AUTH);
        assertThat(err()).isEqualTo("! The server at 127.0.0.1:8989 did not prove the key in your directory"
                + " (directory.json): it is not your server, or someone is in between. Not connecting.\n");
    }

    @Test
    void commandsStillUnconfirmedAtTheEndAreReportedAsQueued() throws Exception {
        FakeContext context = run("hello\n", "pa", c -> {
            c.channelFrom("bob", "general", List.of("alice"));
            c.holdAcknowledgements(true);
        });
        assertThat(exit).isEqualTo(ExitStatus.OK);
        assertThat(out()).contains("1 command not yet confirmed by the server stays queued on this device;"
                + " it is sent the next time you start chat.");
        assertThat(context.client.sent()).containsExactly("general:hello");
    }

    @Test
    void offlineAMessageAfterACreateWaitsForItAndIsShownInFullWhenLeavingWhileDisplayCommandsRunAtOnce()
            throws Exception {
        FakeContext context = run("/create zz\nhi\n/channels\n/members\n/history\n/help\n/quit\n", "pa", c -> {
            c.disconnect("connection reset", Duration.ofSeconds(30));
            c.holdAcknowledgements(true);
        });
        assertThat(exit).isEqualTo(ExitStatus.OK);
        assertThat(out()).startsWith("""
                You have no channels yet.
                /create NAME starts a channel (or wait for an invitation); /help lists commands.
                (waiting for #zz to be created; it will be sent then)
                Your channels:
                 * #zz  being created  (current)
                #zz is being created: the server has not confirmed it yet.
                #zz is being created: the server has not confirmed it yet.
                Commands:
                  /create NAME     create a channel and switch to it
                """).contains("Anything else is sent to the current channel; //text sends /text.\n")
                .endsWith("1 command not yet confirmed by the server stays queued on this device; it is sent the"
                        + " next time you start chat.\n");
        assertThat(err()).isEqualTo("! Not sent to #zz (waiting for the server): hi\n");
        assertThat(context.client.sent()).isEmpty(); // the create is queued in the client; the message is not
    }

    @Test
    void whatWaitsIsShownAsTypedToBeTypedAgain() throws Exception {
        run("/create zz\n/invite bob carol\n//shrug\n", "pa", c -> {
            c.disconnect("connection reset", Duration.ofSeconds(30));
            c.holdAcknowledgements(true);
        });
        assertThat(exit).isEqualTo(ExitStatus.OK);
        assertThat(out()).contains("""
                (waiting for #zz to be created; it will be sent then)
                (waiting for bob to be added to #zz; it will be sent then)
                (waiting for carol to be added to #zz; it will be sent then)
                """, "1 command not yet confirmed by the server stays queued");
        assertThat(err()).isEqualTo("""
                ! Not sent to #zz (waiting for the server): /invite bob
                ! Not sent to #zz (waiting for the server): /invite carol
                ! Not sent to #zz (waiting for the server): //shrug
                """);
    }

    @Test
    void stoppedUnderTheSessionItSaysWhatWasNotSentOnceAndClosesTheClient() throws Exception {
        PipedOutputStream typing = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(typing);
        FakeContext context = new FakeContext(CLOCK, "pa", c -> {
            c.disconnect("connection reset", Duration.ofSeconds(30));
            c.holdAcknowledgements(true);
        });
        StopHook stop = new StopHook();
        AtomicInteger code = new AtomicInteger(-1);
        try (PlainScreen screen = new PlainScreen(in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), null)) {
            Thread session = Thread.ofPlatform().daemon().start(() -> {
                try {
                    code.set(CliFrontend.run(context, screen, CLOCK, Duration.ofSeconds(2), stop));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            typing.write("/create zz\nhi\n".getBytes(StandardCharsets.UTF_8));
            typing.flush();
            awaitOutput("(waiting for #zz to be created");

            stop.run(); // what the JVM does on Ctrl-C or SIGTERM: the session reads on, as in a real stop
            assertThat(err()).isEqualTo("! Not sent to #zz (waiting for the server): hi\n");
            assertThat(out()).contains("1 command not yet confirmed by the server stays queued");
            assertThat(context.client.closed).isTrue();

            typing.close(); // the end of input: leaving again says nothing more
            session.join(TerminalHarness.TIMEOUT.toMillis());
            assertThat(session.isAlive()).isFalse();
        }
        assertThat(code.get()).isEqualTo(ExitStatus.OK);
        assertThat(err()).isEqualTo("! Not sent to #zz (waiting for the server): hi\n");
    }

    @Test
    void stoppedWhileLoggingInItSaysSo() throws Exception {
        StopHook stop = new StopHook();
        FakeContext context = new FakeContext(CLOCK, "pa", c -> stop.run());
        try (PlainScreen screen = new PlainScreen(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                null)) {
            CliFrontend.run(context, screen, CLOCK, Duration.ofSeconds(2), stop);
        }
        assertThat(out()).startsWith("Login cancelled.\n");
    }

    private void awaitOutput(String fragment) throws InterruptedException {
        long deadline = System.nanoTime() + TerminalHarness.TIMEOUT.toNanos();
        while (!out().contains(fragment)) {
            assertThat(System.nanoTime()).as("waiting for '" + fragment + "'; the output is:\n" + out())
                    .isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void noColoursOrEscapesInPlainOutput() throws Exception {
        run("hello\n/channels\n/help\n", "pa", c -> c.channelFrom("bob", "general", List.of("alice")));
        assertThat(out()).doesNotContain("\u001b").contains("09:05 <alice> hello", "  /join NAME ");
    }
}
