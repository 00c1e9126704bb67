package chat.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default {@code cli} frontend of the built image, used as a person uses it: in a
 * pseudo-terminal (script), on a real screen (tmux, when installed), and in a pipe as a
 * script uses it; the other people are json-frontend clients of the same server.
 */
class CliE2ETest {

    private static final ChatImage CHAT = ChatImage.fromSystemProperty();
    private static final String ENTER = "\r";

    @TempDir
    static Path keysRoot;
    private static Path keys;

    @TempDir
    Path tmp;

    private ServerProcess server;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void generate() {
        keys = keysRoot.resolve("keys");
        ChatImage.Result r = CHAT.run(List.of("generate", "--dir", keys.toString(), "--users-file", "-"),
                "alice:pass-alice\nbob:pass-bob\ncarol:pass-carol\n", Map.of());
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    @BeforeEach
    void startServer() throws Exception {
        // Each test gets fresh bundles (their local state is per device) and a fresh server.
        for (String user : List.of("alice", "bob", "carol")) {
            copy(keys.resolve("users").resolve(user), tmp.resolve("users").resolve(user));
        }
        server = ServerProcess.start(CHAT, keys.resolve("server"), tmp.resolve("data"));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        server.close();
    }

    private static void copy(Path from, Path to) throws Exception {
        java.nio.file.Files.createDirectories(to);
        try (var files = java.nio.file.Files.list(from)) {
            for (Path f : files.toList()) {
                java.nio.file.Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    private Path bundle(String user) {
        return tmp.resolve("users").resolve(user);
    }

    private String address() {
        return server.address().getHostString() + ":" + server.address().getPort();
    }

    private List<String> client(String user) {
        return List.of("client", "--dir", bundle(user).toString(), "--server", address());
    }

    private CliJsonUser json(String user, String password) throws InterruptedException {
        CliJsonUser u = CliJsonUser.start(CHAT, bundle(user), server.address(), password);
        open.add(u);
        return u;
    }

    private CliPty pty(String user, Map<String, String> env) {
        CliPty p = CliPty.start(CHAT, client(user), env);
        open.add(p);
        return p;
    }

    @Test
    void wrongThenRightPasswordThenCreateInviteJoinAndSendInATerminal() throws Exception {
        CliPty alice = pty("alice", Map.of());
        int at = alice.await("Password for alice: ");
        alice.type("wrong" + ENTER);
        at = alice.await("Wrong password for alice (2 tries left).", at);
        at = alice.await("Password for alice: ", at);
        alice.type("pass-alice" + ENTER);
        at = alice.await("You have no channels yet.", at);
        assertThat(alice.text()).doesNotContain("wrong");

        alice.type("/create general" + ENTER);
        at = alice.await("-- you created #general --", at);
        alice.type("/invite bob" + ENTER);
        at = alice.await("-- you added bob --", at);

        CliJsonUser bob = json("bob", "pass-bob");
        bob.command("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"hi alice\"}");
        at = alice.await("<bob> hi alice", at);
        bob.command("{\"cmd\":\"create\",\"channel\":\"random\"}");
        bob.command("{\"cmd\":\"invite\",\"channel\":\"random\",\"user\":\"alice\"}");
        at = alice.await("-- bob added you to #random --", at);

        alice.type("/join random" + ENTER);
        at = alice.await("#random  2 members: *bob, alice (you)", at);
        alice.type("lunch?" + ENTER);
        at = alice.await("<alice> lunch?", at);
        bob.await("\"channel\":\"random\"", "\"from\":\"alice\"", "\"text\":\"lunch?\"");

        alice.type("/quit" + ENTER);
        assertThat(alice.awaitExit()).isZero();
    }

    @Test
    void anInvalidChannelNameIsExplainedAndAnInvitationWhileInNoChannelSwitchesToIt() throws Exception {
        CliPty alice = pty("alice", Map.of("CHAT_PASSWORD", "pass-alice"));
        int at = alice.await("You have no channels yet.");
        alice.type("/create my channel!" + ENTER);
        at = alice.await("Invalid channel name 'my channel!': use 1-64 letters, digits, '.', '_' or '-' (not only dots).",
                at);

        CliJsonUser bob = json("bob", "pass-bob");
        bob.command("{\"cmd\":\"create\",\"channel\":\"random\"}");
        bob.command("{\"cmd\":\"invite\",\"channel\":\"random\",\"user\":\"alice\"}");
        at = alice.await("#random  2 members: *bob, alice (you)", at);
        alice.type("here I am" + ENTER);
        at = alice.await("<alice> here I am", at);
        bob.await("\"channel\":\"random\"", "\"from\":\"alice\"", "\"text\":\"here I am\"");
        assertThat(alice.text()).doesNotContain("/join random to switch to it");

        alice.type("/quit" + ENTER);
        assertThat(alice.awaitExit()).isZero();
    }

    @Test
    void threeWrongPasswordsExitThree() throws Exception {
        CliPty alice = pty("alice", Map.of());
        int at = 0;
        for (int i = 0; i < 3; i++) {
            at = alice.await("Password for alice: ", at) + 1;
            alice.type("nope" + ENTER);
        }
        alice.await("Wrong password for alice. Not logged in.", at);
        assertThat(alice.awaitExit()).isEqualTo(3);
    }

    @Test
    void aMessageArrivingMidTypingLeavesTheLineAndCursorOnTheRealScreen() throws Exception {
        assumeTrue(CliTmux.available(), "tmux is not installed");
        CliTmux tmux = new CliTmux();
        open.add(tmux);
        tmux.start("CHAT_PASSWORD=pass-alice TERM=xterm-256color " + CHAT.launcher() + " " + String.join(" ", client("alice")));
        tmux.await("You have no channels yet.");
        tmux.type("/create general");
        tmux.press("Enter");
        tmux.await("#general is ready");
        tmux.type("/invite bob");
        tmux.press("Enter");
        tmux.await("-- you added bob --");
        CliJsonUser bob = json("bob", "pass-bob");

        tmux.type("hel");
        tmux.await("#general> hel");
        bob.command("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"are you there?\"}");
        tmux.await("<bob> are you there?");

        List<String> screen = tmux.screen();
        int message = indexOf(screen, "<bob> are you there?");
        int input = indexOf(screen, "#general> hel");
        assertThat(input).as(String.join("\n", screen)).isGreaterThan(message);
        assertThat(screen.get(input).strip()).isEqualTo("#general> hel");
        assertThat(tmux.cursor()).containsExactly("#general> hel".length(), input);
        assertThat(screen.get(29)).startsWith(" alice | 1:#general");

        tmux.type("lo");
        tmux.press("Enter");
        tmux.await("<alice> hello");
        bob.await("\"from\":\"alice\"", "\"text\":\"hello\"");
    }

    /** Alice in #general with bob, in a 100x30 tmux window; bob is a bot on the json frontend. */
    private CliTmux aliceInGeneralWithBobOnTmux() throws InterruptedException {
        assumeTrue(CliTmux.available(), "tmux is not installed");
        CliTmux tmux = new CliTmux();
        open.add(tmux);
        tmux.start("CHAT_PASSWORD=pass-alice TERM=xterm-256color " + CHAT.launcher() + " " + String.join(" ", client("alice")));
        tmux.await("You have no channels yet.");
        tmux.type("/create general");
        tmux.press("Enter");
        tmux.await("#general is ready");
        tmux.type("/invite bob");
        tmux.press("Enter");
        tmux.await("-- you added bob --");
        return tmux;
    }

    @Test
    void pastesOfAnySizeAreTakenOrRefusedAtOnceAndAMultiLinePasteIsOneMessage() throws Exception {
        CliTmux tmux = aliceInGeneralWithBobOnTmux();
        CliJsonUser bob = json("bob", "pass-bob");

        // Not marked as a paste (a terminal without bracketed paste): the keys come one by
        // one, and the line taller than the window used to take minutes to draw.
        String tall = "word ".repeat(700) + "end-of-paste";
        tmux.paste(tall, false);
        tmux.await("word end-of-paste");
        tmux.press("Enter");
        bob.await("\"from\":\"alice\"", "end-of-paste");

        // Marked: too long for a message, refused before anything goes into the line.
        tmux.paste("x".repeat(70_000), true);
        tmux.await("Paste refused: it would make a message of 70,000 bytes");

        // Several lines: held behind a label, then sent as one message.
        tmux.paste("first line\nsecond line\nthird line", true);
        tmux.await("#general> [pasted: 3 lines, 33 characters]");
        tmux.press("Enter");
        bob.await("\"text\":\"first line\\nsecond line\\nthird line\"");
        tmux.await("second line");
    }

    @Test
    void afterTheWindowShrinksNewLinesTheEchoAndTheStatusBarStillShow() throws Exception {
        CliTmux tmux = aliceInGeneralWithBobOnTmux();
        CliJsonUser bob = json("bob", "pass-bob");
        for (int i = 1; i <= 30; i++) { // a full window: the input line at the bottom
            tmux.type("line " + i);
            tmux.press("Enter");
        }
        tmux.await("<alice> line 30");
        tmux.resize(70, 15);
        bob.command("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"still there?\"}");
        tmux.await("<bob> still there?");
        tmux.type("yes");
        tmux.press("Enter");
        tmux.await("<alice> yes");
        List<String> screen = tmux.screen();
        assertThat(screen.get(14)).as(String.join("\n", screen)).startsWith(" alice | 1:#general");
        assertThat(screen.get(13).strip()).as(String.join("\n", screen)).isEqualTo("#general>");
        assertThat(screen.get(12)).contains("<alice> yes");

        tmux.resize(100, 30);
        bob.command("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"bigger now\"}");
        tmux.await("<bob> bigger now");
        // the status bar is drawn after the line that arrived; give a busy machine a moment
        long until = System.nanoTime() + 10_000_000_000L;
        List<String> grown = tmux.screen();
        while (!grown.get(29).startsWith(" alice | 1:#general") && System.nanoTime() < until) {
            Thread.sleep(100);
            grown = tmux.screen();
        }
        assertThat(grown.get(29)).as(String.join("\n", grown)).startsWith(" alice | 1:#general");
    }

    private static int indexOf(List<String> screen, String fragment) {
        for (int i = 0; i < screen.size(); i++) {
            if (screen.get(i).contains(fragment)) {
                return i;
            }
        }
        throw new AssertionError("'" + fragment + "' is not on the screen:\n" + String.join("\n", screen));
    }

    @Test
    void aScriptInAPipeGetsPlainLines() throws Exception {
        ChatImage.Result r = CHAT.run(client("alice"), "/create x\nhello\n/invite bob\n/quit\n",
                Map.of("CHAT_PASSWORD", "pass-alice"));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("-- you created #x --", "<alice> hello", "-- you added bob --")
                .doesNotContain("\u001b");
        assertThat(r.stderr()).isEmpty();

        ChatImage.Result again = CHAT.run(client("alice"), "/history\n", Map.of("CHAT_PASSWORD", "pass-alice"));
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.stdout()).contains("History of #x: 3 entries").containsPattern("\\d\\d:\\d\\d <alice> hello");
    }

    @Test
    void aDumbTerminalGetsPlainLinesAndAHiddenPassword() throws Exception {
        CliPty alice = pty("alice", Map.of("TERM", "dumb"));
        int at = alice.await("Password for alice: ");
        alice.type("pass-alice" + ENTER);
        at = alice.await("You have no channels yet.", at);
        alice.type("/create x" + ENTER);
        at = alice.await("-- you created #x --", at);
        alice.type("/quit" + ENTER);
        assertThat(alice.awaitExit()).isZero();
        assertThat(alice.text()).doesNotContain("pass-alice");
        assertThat(alice.raw().substring(alice.raw().indexOf("You have no channels"))).doesNotContain("\u001b");
    }

    /** Alice logged in on a pty, then the server gone: what she types from now on waits. */
    private CliPty offline(List<String> frontendArgs) throws InterruptedException {
        List<String> args = new ArrayList<>(client("alice"));
        args.addAll(frontendArgs);
        CliPty alice = CliPty.start(CHAT, args, Map.of("CHAT_PASSWORD", "pass-alice"));
        open.add(alice);
        int at = alice.await("You have no channels yet.");
        server.kill();
        alice.await("-- connection lost", at);
        return alice;
    }

    @Test
    void offlineWhatWaitsForACreateIsShownInFullAtQuitWhileDisplayCommandsAnswerAtOnce() throws Exception {
        CliPty alice = offline(List.of("--", "--plain"));
        int at = alice.await("-- connection lost");
        alice.type("/create zz" + ENTER);
        alice.type("hi, anyone?" + ENTER);
        at = alice.await("(waiting for #zz to be created; it will be sent then)", at);
        alice.type("/channels" + ENTER);
        at = alice.await(" * #zz  being created  (current)", at);
        alice.type("/help" + ENTER);
        at = alice.await("Anything else is sent to the current channel", at);
        alice.type("/quit" + ENTER);
        at = alice.await("1 command not yet confirmed by the server stays queued on this device", at);
        alice.await("! Not sent to #zz (waiting for the server): hi, anyone?", at);
        assertThat(alice.awaitExit()).isZero();
    }

    @Test
    void ctrlCInPlainModeStillSaysWhatWasNotSent() throws Exception {
        CliPty alice = offline(List.of("--", "--plain"));
        int at = alice.await("-- connection lost");
        alice.type("/create zz" + ENTER);
        alice.type("hi" + ENTER);
        at = alice.await("(waiting for #zz to be created; it will be sent then)", at);
        alice.type("\u0003"); // the pty turns it into SIGINT: the JVM stops, through its shutdown hooks
        at = alice.await("1 command not yet confirmed by the server stays queued on this device", at);
        alice.await("! Not sent to #zz (waiting for the server): hi", at);
        assertThat(alice.awaitExit()).isEqualTo(130);
    }

    @Test
    void ctrlCWhileTheTerminalClientWaitsToLeaveLeavesAndSaysWhatWasNotSent() throws Exception {
        CliPty alice = offline(List.of());
        int at = alice.await("-- connection lost");
        alice.type("/create zz" + ENTER);
        alice.type("hi" + ENTER);
        at = alice.await("(waiting for #zz to be created; it will be sent then)", at);
        alice.type("/quit" + ENTER);
        at = alice.await("(Ctrl-C: leave now)", at);
        alice.type("\u0003");
        at = alice.await("! Not sent to #zz (waiting for the server): hi", at);
        alice.await("Bye.", at);
        assertThat(alice.awaitExit()).isZero();
    }

    @Test
    void loginFailuresSaySoAndExitWithTheDocumentedCodes() throws Exception {
        ChatImage.Result wrong = CHAT.run(client("alice"), "", Map.of("CHAT_PASSWORD", "nope"));
        assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(3);
        assertThat(wrong.stderr()).contains("Wrong password for alice. Not logged in.");

        ChatImage.Result none = CHAT.run(client("alice"), "", Map.of());
        assertThat(none.exitCode()).as(none.toString()).isEqualTo(2);
        assertThat(none.stderr()).contains("set CHAT_PASSWORD or use --password-file FILE");

        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        ChatImage.Result unreachable = CHAT.run(List.of("client", "--dir", bundle("alice").toString(), "--server",
                "127.0.0.1:" + closed), "", Map.of("CHAT_PASSWORD", "pass-alice"));
        assertThat(unreachable.exitCode()).as(unreachable.toString()).isEqualTo(4);
        assertThat(unreachable.stderr()).contains("Cannot reach the server at 127.0.0.1:" + closed
                + ": connection refused. Is it running?");
    }
}
