package chat.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * What irssi and WeeChat users look for first (issue 13), in the terminal client of the
 * built image: channel numbers and Alt-digit, PageUp through the stored history, a local
 * search that survives a restart, the bell and the desktop notification for a mention;
 * and presence on the json frontend.
 */
class CliDailyUseE2ETest {

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
        for (String user : List.of("alice", "bob", "carol")) {
            Path to = tmp.resolve("users").resolve(user);
            java.nio.file.Files.createDirectories(to);
            try (var files = java.nio.file.Files.list(keys.resolve("users").resolve(user))) {
                for (Path f : files.toList()) {
                    java.nio.file.Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        }
        server = ServerProcess.start(CHAT, keys.resolve("server"), tmp.resolve("data"));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        server.close();
        // Closing tmux hangs up on the clients in it without waiting for them: they may still be
        // writing their state under tmp while JUnit deletes it. Wait until none is left.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").contains(tmp.toString()))
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private List<String> client(String user) {
        return List.of("client", "--dir", tmp.resolve("users").resolve(user).toString(), "--server",
                server.address().getHostString() + ":" + server.address().getPort());
    }

    private CliJsonUser json(String user, String password) throws InterruptedException {
        CliJsonUser u = CliJsonUser.start(CHAT, tmp.resolve("users").resolve(user), server.address(), password);
        open.add(u);
        return u;
    }

    private CliPty pty(String user, Map<String, String> env) {
        CliPty p = CliPty.start(CHAT, client(user), env);
        open.add(p);
        return p;
    }

    /** Alice in a 100x30 tmux window, in #general with bob. */
    private CliTmux aliceOnTmux() throws InterruptedException {
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

    private static String bottom(CliTmux tmux) {
        List<String> screen = tmux.screen();
        return screen.get(29);
    }

    private static void awaitBar(CliTmux tmux, String start) throws InterruptedException {
        long until = System.nanoTime() + CliTmux.TIMEOUT.toNanos();
        while (!bottom(tmux).startsWith(start.stripTrailing())) { // tmux leaves out trailing blanks
            if (System.nanoTime() > until) {
                throw new AssertionError("the status bar does not start with '" + start + "':\n"
                        + String.join("\n", tmux.screen()));
            }
            Thread.sleep(50);
        }
    }

    @Test
    void altTwoSwitchesToTheSecondChannelAndTheStatusBarShowsTheNumbers() throws Exception {
        CliTmux tmux = aliceOnTmux();
        awaitBar(tmux, " alice | 1:#general ");
        tmux.type("/create random");
        tmux.press("Enter");
        tmux.await("#random is ready");
        awaitBar(tmux, " alice | 2:#random ");
        tmux.press("M-1");
        tmux.await("#general  2 members");
        awaitBar(tmux, " alice | 1:#general ");
        CliJsonUser bob = json("bob", "pass-bob");
        bob.command("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"to general\"}");
        tmux.await("<bob> to general");
        tmux.press("M-2");
        tmux.await("#random  1 member");
        awaitBar(tmux, " alice | 2:#random ");
        bob.command("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"unread one\"}");
        awaitBar(tmux, " alice | 2:#random | 1:#general 1 ");
        tmux.type("/1");
        tmux.press("Enter");
        awaitBar(tmux, " alice | 1:#general ");
    }

    @Test
    void pageUpShowsOlderLinesThanTheScreenHoldsReadFromTheStoredHistory() throws Exception {
        CliTmux tmux = aliceOnTmux();
        CliJsonUser bob = json("bob", "pass-bob");
        for (int i = 1; i <= 60; i++) {
            bob.command("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"old " + i + "\"}");
        }
        tmux.await("<bob> old 60");
        assertThat(rowEndingWith(tmux, "<bob> old 20")).as(String.join("\n", tmux.screen())).isFalse();

        tmux.press("PPage");
        tmux.await("(#general, entries ");
        awaitRowEndingWith(tmux, "<bob> old 20");
        awaitBar(tmux, " alice | 1:#general | scrolled back: PageDown ");
        tmux.press("PPage");
        awaitRowEndingWith(tmux, "<bob> old 1");
        bob.command("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"meanwhile\"}");
        awaitBar(tmux, " alice | 1:#general | scrolled back, 1 new below: PageDown ");
        assertThat(rowEndingWith(tmux, "<bob> meanwhile")).isFalse();

        for (int i = 0; i < 3; i++) {
            tmux.press("NPage");
        }
        awaitRowEndingWith(tmux, "<bob> meanwhile");
        awaitBar(tmux, " alice | 1:#general ");
        assertThat(bottom(tmux)).doesNotContain("scrolled");
    }

    private static boolean rowEndingWith(CliTmux tmux, String end) {
        return tmux.screen().stream().anyMatch(row -> row.stripTrailing().endsWith(end));
    }

    private static void awaitRowEndingWith(CliTmux tmux, String end) throws InterruptedException {
        long until = System.nanoTime() + CliTmux.TIMEOUT.toNanos();
        while (!rowEndingWith(tmux, end)) {
            if (System.nanoTime() > until) {
                throw new AssertionError("no row ends with '" + end + "':\n" + String.join("\n", tmux.screen()));
            }
            Thread.sleep(50);
        }
    }

    @Test
    void searchFindsAnOldMessageAfterARestart() throws Exception {
        CliPty alice = pty("alice", Map.of("CHAT_PASSWORD", "pass-alice"));
        int at = alice.await("You have no channels yet.");
        alice.type("/create general" + ENTER);
        at = alice.await("#general is ready", at);
        alice.type("/invite bob" + ENTER);
        at = alice.await("-- you added bob --", at);
        CliJsonUser bob = json("bob", "pass-bob");
        bob.command("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"the password is Pumpkin\"}");
        for (int i = 1; i <= 30; i++) {
            bob.command("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"filler " + i + "\"}");
        }
        at = alice.await("<bob> filler 30", at);
        alice.type("/quit" + ENTER);
        assertThat(alice.awaitExit()).isZero();

        CliPty again = pty("alice", Map.of("CHAT_PASSWORD", "pass-alice"));
        at = again.await("#general  2 members");
        again.type("/search pumpkin" + ENTER);
        at = again.await("1 message on this device contains \"pumpkin\" (searched here only: the server learns nothing):",
                at);
        int line = again.await(" #general <bob> the password is Pumpkin", at);
        String text = again.text();
        assertThat(text.substring(text.lastIndexOf('\n', line) + 1, line)).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}");
        again.type("/search nothing like this" + ENTER);
        again.await("No message on this device contains \"nothing like this\".", at);
    }

    @Test
    void aMentionRingsTheBellAndSendsTheDesktopNotificationButNotAtLoginNorForYourOwn() throws Exception {
        Map<String, String> env = Map.of("CHAT_PASSWORD", "pass-alice", "CHAT_NOTIFY_OSC", "777");
        CliPty alice = pty("alice", env);
        int at = alice.await("You have no channels yet.");
        alice.type("/create general" + ENTER);
        at = alice.await("#general is ready", at);
        alice.type("/invite bob" + ENTER);
        at = alice.await("-- you added bob --", at);
        assertThat(bells(alice.raw())).isZero();

        CliJsonUser bob = json("bob", "pass-bob");
        bob.command("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"hey @alice, lunch?\"}");
        at = alice.await("<bob> hey @alice, lunch?", at);
        awaitRaw(alice, "\u0007\u001b]777;notify;bob mentioned you in #general;hey @alice, lunch?\u001b\\");
        alice.type("alice says hi" + ENTER);
        at = alice.await("<alice> alice says hi", at);
        bob.command("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"no name here\"}");
        at = alice.await("<bob> no name here", at);
        assertThat(bells(alice.raw())).as("only the mention rang").isEqualTo(1);
        alice.type("/quit" + ENTER);
        assertThat(alice.awaitExit()).isZero();

        bob.command("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"alice: while you were away\"}");
        bob.await("\"event\":\"message\"", "while you were away");
        CliPty again = pty("alice", env);
        at = again.await("<bob> alice: while you were away");
        bob.command("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"welcome back\"}");
        again.await("<bob> welcome back", at);
        assertThat(bells(again.raw())).as("nothing for the history replayed at login").isZero();
        bob.command("{\"cmd\":\"send\",\"channel\":\"general\",\"text\":\"@Alice now\"}");
        again.await("<bob> @Alice now", at);
        awaitRaw(again, "\u0007\u001b]777;notify;bob mentioned you in #general;@Alice now\u001b\\");
    }

    private static long bells(String raw) {
        return raw.chars().filter(c -> c == 7).count();
    }

    private static void awaitRaw(CliPty pty, String sequence) throws InterruptedException {
        long until = System.nanoTime() + CliPty.TIMEOUT.toNanos();
        while (!pty.raw().contains(sequence)) {
            if (System.nanoTime() > until) {
                throw new AssertionError("the terminal was not sent " + sequence.replace("\u001b", "ESC")
                        .replace("\u0007", "BEL") + "; it got:\n" + pty.raw().replace("\u001b", "ESC")
                        .replace("\u0007", "BEL"));
            }
            Thread.sleep(20);
        }
    }

    @Test
    void theJsonFrontendReportsPresenceToMembersOnlyAndWhoShowsItInTheTerminal() throws Exception {
        CliJsonUser alice = json("alice", "pass-alice");
        alice.command("{\"cmd\":\"create\",\"channel\":\"general\"}");
        alice.command("{\"cmd\":\"invite\",\"channel\":\"general\",\"user\":\"bob\"}");
        alice.await("\"event\":\"member\"", "\"user\":\"bob\"");
        CliJsonUser carol = json("carol", "pass-carol"); // shares no channel

        CliJsonUser bob = json("bob", "pass-bob");
        alice.await("\"event\":\"presence\"", "\"user\":\"bob\"", "\"online\":true");
        bob.await("\"event\":\"presence\"", "\"user\":\"alice\"", "\"online\":true");

        bob.close();
        alice.await("\"event\":\"presence\"", "\"user\":\"bob\"", "\"online\":false");
        // carol's own channel: its echo is queued behind anything the server had queued for her before
        carol.command("{\"cmd\":\"create\",\"channel\":\"carols\"}");
        carol.await("\"event\":\"member\"", "\"channel\":\"carols\"");
        assertThat(carol.events()).as("a non-member learns nothing").noneMatch(e -> e.contains("presence"));

        CliPty aliceTerminal = pty("alice", Map.of("CHAT_PASSWORD", "pass-alice")); // a second device of alice's
        int at = aliceTerminal.await("#general  2 members");
        aliceTerminal.type("/who" + ENTER);
        at = aliceTerminal.await("#general: 2 members, 1 online now", at);
        aliceTerminal.await("  alice (you)  online", at);
        int bobLine = aliceTerminal.await("  bob", at);
        String text = aliceTerminal.text();
        assertThat(text.substring(bobLine, text.indexOf('\n', bobLine)).strip()).isEqualTo("bob");
    }
}
