package chat.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's systemd unit, systemd/chat-server.service: its command lines, with the
 * install paths it documents (/opt/chat, /var/lib/chat) pointed at the image and a temp
 * folder, are ones the image accepts: the ExecStartPre check passes and the ExecStart
 * server runs, logs for the journal when its standard error is the stream JOURNAL_STREAM
 * names, and stops cleanly on SIGTERM. systemd-analyze, when the machine has it, finds
 * nothing wrong with the unit.
 */
class SystemdUnitE2ETest {

    private static final String INSTALL = "/opt/chat/bin/chat";
    private static final String STATE = "/var/lib/chat";

    private final ChatImage chat = ChatImage.fromSystemProperty();

    @TempDir
    Path tmp;

    private String unit() throws Exception {
        Path unit = chat.home().resolve("systemd/chat-server.service");
        assertThat(unit).isRegularFile();
        return Files.readString(unit);
    }

    /** The value of {@code Key=} in the unit (the first, without surrounding quotes). */
    private static String setting(String unit, String key) {
        return unit.lines().filter(l -> l.startsWith(key + "=")).findFirst()
                .map(l -> l.substring(key.length() + 1).replaceAll("^\"|\"$", ""))
                .orElseThrow(() -> new AssertionError("no " + key + "= in the unit"));
    }

    /**
     * A command line of the unit as systemd runs it ($CHAT_SERVER_OPTS split on spaces), with
     * the install paths replaced by the image and {@code state}, and port 8989 by {@code port}.
     */
    private List<String> commandLine(String unit, String key, Path state, int port) {
        String opts = setting(unit, "Environment").substring("CHAT_SERVER_OPTS=".length());
        List<String> words = new ArrayList<>();
        for (String word : setting(unit, key).split("\\s+")) {
            words.addAll(word.equals("$CHAT_SERVER_OPTS") ? Arrays.asList(opts.split("\\s+")) : List.of(word));
        }
        assertThat(words.getFirst()).isEqualTo(INSTALL);
        words.set(0, chat.launcher().toString());
        return words.stream().map(w -> w.replace(STATE, state.toString()).replace(":8989", ":" + port)).toList();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void theUnitsCommandsCheckAndRunTheServerWhichLogsForTheJournal() throws Exception {
        String unit = unit();
        assertThat(unit).contains("Type=simple", "User=chat", "NoNewPrivileges=yes", "ProtectSystem=strict",
                "ProtectHome=yes", "PrivateTmp=yes", "StateDirectory=chat", "Restart=on-failure");
        // room for the default --max-connections and the descriptors the server keeps for its journal
        assertThat(Long.parseLong(setting(unit, "LimitNOFILE"))).isGreaterThanOrEqualTo(16384 + 256);

        Path state = tmp.resolve("var-lib-chat");
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice")) {
            Files.createDirectories(state);
            ChatImage.Result copy = ChatImage.run(new ProcessBuilder("cp", "-r", f.serverDir().toString(),
                    state.resolve("server").toString()), null, Duration.ofMinutes(1));
            assertThat(copy.exitCode()).as(copy.toString()).isZero();
        }
        int port = freePort();

        ChatImage.Result check = ChatImage.run(new ProcessBuilder(commandLine(unit, "ExecStartPre", state, port)), null,
                Duration.ofMinutes(2));
        assertThat(check.exitCode()).as(check.toString()).isZero();
        assertThat(check.stdout()).contains("ok: server bundle " + state.resolve("server"));

        // systemd hands the service a journal stream as standard error and names it in JOURNAL_STREAM
        Path journal = Files.createFile(tmp.resolve("journal-stream"));
        List<String> logged = runAndStop(commandLine(unit, "ExecStart", state, port), journal, journal, port);
        assertThat(logged).anyMatch(l -> l.startsWith("<6>chat.server: listening on 127.0.0.1:" + port));
        assertThat(logged).anyMatch(l -> l.equals("<6>chat.server: stopped"));
        assertThat(logged).allMatch(l -> l.matches("<[0-7]>.*"), "every line carries a priority, no time stamp");
        assertThat(state.resolve("server/data")).isDirectory(); // the journal went where ReadWritePaths allows

        // a start refused by the check: its reason reaches the journal as an error
        try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            Path refused = Files.createFile(tmp.resolve("journal-stream-2"));
            ProcessBuilder pb = new ProcessBuilder(commandLine(unit, "ExecStartPre", state, port))
                    .redirectError(refused.toFile());
            pb.environment().put("JOURNAL_STREAM", streamId(refused));
            ChatImage.Result r = ChatImage.run(pb, null, Duration.ofMinutes(2));
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stdout()).contains("problem: cannot listen on 127.0.0.1:" + port);
            assertThat(Files.readString(refused)).isEqualTo("<3>chat: the server would not start as it is: 1 problem"
                    + " (see above)\n");
        }
    }

    /** JOURNAL_STREAM for a file: "DEVICE:INODE". */
    private static String streamId(Path file) throws java.io.IOException {
        return Files.getAttribute(file, "unix:dev") + ":" + Files.getAttribute(file, "unix:ino");
    }

    @Test
    void aServerWhoseStandardErrorIsNotTheJournalKeepsItsTimeStamps() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice")) {
            int port = freePort();
            // an inherited JOURNAL_STREAM that names another stream than this server's standard error
            Path stderr = Files.createFile(tmp.resolve("stderr"));
            Path elsewhere = Files.createFile(tmp.resolve("elsewhere"));
            List<String> logged = runAndStop(List.of(chat.launcher().toString(), "server", "--dir",
                    f.serverDir().toString(), "--listen", "127.0.0.1:" + port), stderr, elsewhere, port);
            assertThat(logged).anyMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO"
                    + " chat.server: listening on 127.0.0.1:" + port + " .*"));
            assertThat(logged).noneMatch(l -> l.startsWith("<"));
        }
    }

    /**
     * Runs a server with standard error into {@code stderr} and JOURNAL_STREAM naming
     * {@code journalStream}, until it listens on {@code port}; stops it with SIGTERM, as
     * systemctl stop does; returns its log lines.
     */
    private static List<String> runAndStop(List<String> command, Path stderr, Path journalStream, int port)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(stderr.toFile());
        pb.environment().put("JOURNAL_STREAM", streamId(journalStream));
        Process server = pb.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).as(() -> read(stderr)).isEqualTo("listening on 127.0.0.1:" + port);
            server.toHandle().destroy();
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).as(() -> read(stderr)).isZero();
        } finally {
            server.destroyForcibly();
        }
        return Files.readAllLines(stderr);
    }

    @Test
    void systemdAnalyzeFindsNothingWrong() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")),
                "this machine has no systemd-analyze");
        String unit = unit().replace(INSTALL, chat.launcher().toString());
        Path copy = Files.writeString(Files.createDirectories(tmp.resolve("units")).resolve("chat-server.service"), unit);
        Path man = Files.createDirectories(tmp.resolve("man/man1"));
        Files.copy(chat.home().resolve("man/chat.1"), man.resolve("chat.1")); // Documentation=man:chat(1), installed
        ProcessBuilder pb = new ProcessBuilder("systemd-analyze", "verify", copy.toString());
        pb.environment().put("MANPATH", tmp.resolve("man").toString());
        ChatImage.Result r = ChatImage.run(pb, null, Duration.ofMinutes(1));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout() + r.stderr()).isEmpty();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
