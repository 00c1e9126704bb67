package chat.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The config file on the image: with $XDG_CONFIG_HOME/chat/config.toml naming the bundle,
 * the server and the frontend, {@code chat client} alone logs in; an option on the command
 * line overrides the file; {@code --config FILE} reads another file; and {@code chat
 * server --check} takes the [server] section as the server would.
 */
class ConfigFileE2ETest {

    private final ChatImage chat = ChatImage.fromSystemProperty();

    @TempDir
    Path tmp;

    /** A client run with XDG_CONFIG_HOME at {@code xdg}, the password in CHAT_PASSWORD, and only {@code args}. */
    private ClientProcess client(Path xdg, String name, String password, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("client"));
        command.addAll(List.of(args));
        ProcessBuilder pb = chat.command(command);
        pb.environment().put("XDG_CONFIG_HOME", xdg.toString());
        pb.environment().put("CHAT_PASSWORD", password);
        return ClientProcess.start(name, pb);
    }

    @Test
    void theClientTakesItsServerBundleAndFrontendFromTheFileAndTheCommandLineOverridesIt() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob")) {
            f.startServer();
            Path xdg = tmp.resolve("xdg");
            Files.createDirectories(xdg.resolve("chat"));
            // dir relative to the file's folder, as docs/user-guide.md says
            Files.writeString(xdg.resolve("chat/config.toml"), String.join("\n",
                    "# written by ConfigFileE2ETest",
                    "[client]",
                    "dir = \"" + xdg.resolve("chat").relativize(f.bundle("alice")) + "\"",
                    "server = \"127.0.0.1:" + f.port() + "\"",
                    "frontend = \"json\"",
                    ""));

            try (ClientProcess alice = client(xdg, "alice", f.passwords.get("alice"))) {
                assertThat(alice.ready().await("ready", ClientProcess.event("ready")).str("user")).isEqualTo("alice");
                assertThat(alice.closeInputAndWait()).isZero();
            }
            // --dir on the command line wins over the file's; server and frontend still come from it
            try (ClientProcess bob = client(xdg, "bob", f.passwords.get("bob"), "--dir", f.bundle("bob").toString())) {
                assertThat(bob.ready().await("ready", ClientProcess.event("ready")).str("user")).isEqualTo("bob");
                assertThat(bob.closeInputAndWait()).isZero();
            }

            // --config names another file; a mistake in it is a usage error with its line
            Path other = Files.writeString(tmp.resolve("other.toml"), "[client]\nsever = \"127.0.0.1:1\"\n");
            ProcessBuilder pb = chat.command(List.of("client", "--config", other.toString()));
            pb.environment().put("XDG_CONFIG_HOME", xdg.toString());
            ChatImage.Result wrong = ChatImage.run(pb, null, Duration.ofMinutes(1));
            assertThat(wrong.exitCode()).isEqualTo(2);
            assertThat(wrong.stderr()).contains("chat: " + other + " line 2: unknown key 'sever' in [client]; did you"
                    + " mean 'server'?");
        }
    }

    @Test
    void serverCheckReadsTheServerSection() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice")) {
            Path xdg = tmp.resolve("xdg");
            Files.createDirectories(xdg.resolve("chat"));
            Files.writeString(xdg.resolve("chat/config.toml"), String.join("\n",
                    "[server]",
                    "dir = \"" + f.serverDir() + "\"",
                    "listen = \"127.0.0.1:0\"",
                    "max-connections = 300",
                    ""));
            ChatImage.Result r = chat.run(List.of("server", "--check"), null, java.util.Map.of("XDG_CONFIG_HOME",
                    xdg.toString()));
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.stdout()).contains("ok: server bundle " + f.serverDir() + ": 1 user",
                    "room for --max-connections 300 ", "ok: listen address 127.0.0.1:0 is free");
        }
    }
}
