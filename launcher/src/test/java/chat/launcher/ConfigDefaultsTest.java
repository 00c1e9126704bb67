package chat.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.client.spi.ExitStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The config file gives chat client and chat server their defaults; the command line overrides them. */
class ConfigDefaultsTest {

    @TempDir
    Path tmp;

    private Function<String, String> savedEnvironment;

    @BeforeEach
    void pointXdgAtTmp() {
        savedEnvironment = ConfigDefaults.environment;
        ConfigDefaults.environment = Map.of("XDG_CONFIG_HOME", tmp.resolve("xdg").toString())::get;
    }

    @AfterEach
    void restore() {
        ConfigDefaults.environment = savedEnvironment;
    }

    private Path config(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    /** Parses args as chat does, with the config installed, and returns the command object run. */
    private static <T> T parse(Class<T> type, String... args) {
        CommandLine cli = ChatCommand.commandLine();
        ConfigDefaults.install(cli, args);
        CommandLine.ParseResult r = cli.parseArgs(args);
        return type.cast(r.subcommand().commandSpec().userObject());
    }

    @Test
    void theXdgFileGivesTheClientItsDefaults() throws Exception {
        config(tmp.resolve("xdg/chat/config.toml"), """
                [client]
                dir = "keys/users/alice"   # relative to this file's folder
                server = "chat.example.org:9000"
                frontend = "json"
                rotate-after-days = 3
                """);
        ClientCommand c = parse(ClientCommand.class, "client");
        assertThat(c.dir).isEqualTo(tmp.resolve("xdg/chat/keys/users/alice"));
        assertThat(c.server).isEqualTo("chat.example.org:9000");
        assertThat(c.frontend).isEqualTo("json");
        assertThat(c.rotateAfterDays).isEqualTo(3);
        assertThat(c.rotateAfterMessages).isEqualTo(1000); // not in the file: the built-in default
    }

    @Test
    void theCommandLineOverridesTheFile() throws Exception {
        config(tmp.resolve("xdg/chat/config.toml"), "[client]\nserver = \"chat.example.org:9000\"\ndir = \"/a\"\n");
        ClientCommand c = parse(ClientCommand.class, "client", "--server", "127.0.0.1:1", "--dir", "/b");
        assertThat(c.server).isEqualTo("127.0.0.1:1");
        assertThat(c.dir).isEqualTo(Path.of("/b"));
    }

    @Test
    void configNamesAnotherFileAndTheServerReadsItsOwnSection() throws Exception {
        config(tmp.resolve("xdg/chat/config.toml"), "[server]\nlisten = \"127.0.0.1:1\"\n");
        Path other = config(tmp.resolve("elsewhere/chat.toml"), """
                [client]
                server = "127.0.0.1:5"
                [server]
                dir = "~/srv"
                listen = "0.0.0.0:8989"
                max-connections = 2000
                handshake-timeout = 2.5
                min-free-disk = "1G"
                log-level = "fine"
                """);
        ServerCommand s = parse(ServerCommand.class, "server", "--config", other.toString());
        assertThat(s.dir).isEqualTo(Path.of(System.getProperty("user.home"), "srv"));
        assertThat(s.listen).isEqualTo("0.0.0.0:8989");
        assertThat(s.maxConnections).isEqualTo(2000);
        assertThat(s.handshakeSeconds).isEqualTo(2.5);
        assertThat(s.minFreeDisk).isEqualTo("1G");
        assertThat(s.logLevel).isEqualTo("fine");
        ServerCommand eq = parse(ServerCommand.class, "server", "--config=" + other, "--max-connections", "700");
        assertThat(eq.maxConnections).isEqualTo(700);
    }

    @Test
    void noFileAtTheDefaultPlaceMeansTheBuiltInDefaults() {
        ClientCommand c = parse(ClientCommand.class, "client");
        assertThat(c.dir).isNull();
        assertThat(c.server).isEqualTo("127.0.0.1:8989");
    }

    @Test
    void aMissingExplicitFileIsAUsageError() {
        assertThatThrownBy(() -> parse(ClientCommand.class, "client", "--config", tmp.resolve("nope.toml").toString()))
                .isInstanceOf(CliException.class)
                .hasMessage("config file " + tmp.resolve("nope.toml") + " does not exist");
    }

    @Test
    void anUnknownKeyIsRefusedWithTheNearestOne() throws Exception {
        Path f = config(tmp.resolve("c.toml"), "[client]\n\nsever = \"x\"\n");
        assertThatThrownBy(() -> parse(ClientCommand.class, "client", "--config", f.toString()))
                .hasMessage(f + " line 3: unknown key 'sever' in [client]; did you mean 'server'?");
        Path g = config(tmp.resolve("g.toml"), "[client]\nnickname = \"x\"\n");
        assertThatThrownBy(() -> parse(ClientCommand.class, "client", "--config", g.toString()))
                .hasMessage(g + " line 2: unknown key 'nickname' in [client]; the keys are config-free..."
                        .replace("config-free...", String.join(", ", ConfigDefaults.configurable(
                                ChatCommand.commandLine().getSubcommands().get("client").getCommandSpec()))));
        Path h = config(tmp.resolve("h.toml"), "[client]\nlisten = \"127.0.0.1:1\"\n");
        assertThatThrownBy(() -> parse(ClientCommand.class, "client", "--config", h.toString()))
                .hasMessage(h + " line 2: 'listen' is a key of [server], not of [client]");
        Path i = config(tmp.resolve("i.toml"), "[server]\nrepair-journal = true\n");
        assertThatThrownBy(() -> parse(ServerCommand.class, "server", "--config", i.toString()))
                .hasMessageStartingWith(i + " line 2: unknown key 'repair-journal' in [server]");
    }

    @Test
    void aValueOfTheWrongTypeIsRefused() throws Exception {
        Path f = config(tmp.resolve("c.toml"), "[server]\nmax-connections = \"many\"\n");
        assertThatThrownBy(() -> parse(ServerCommand.class, "server", "--config", f.toString()))
                .hasMessage(f + " line 2: 'max-connections' takes a whole number, not a string");
        Path g = config(tmp.resolve("g.toml"), "[client]\ndir = 5\n");
        assertThatThrownBy(() -> parse(ClientCommand.class, "client", "--config", g.toString()))
                .hasMessage(g + " line 2: 'dir' takes a path in quotes, not a number");
    }

    @Test
    void otherCommandsDoNotReadTheFile() throws Exception {
        config(tmp.resolve("xdg/chat/config.toml"), "this is not toml");
        assertThat(ChatCommand.commandLine().getSubcommands()).containsKey("generate");
        CommandLine cli = ChatCommand.commandLine();
        ConfigDefaults.install(cli, new String[] {"generate", "--dir", "x"}); // no exception
    }

    @Test
    void chatPrintsAMistakeAsOneSentenceWithExitCode2() throws Exception {
        config(tmp.resolve("xdg/chat/config.toml"), "[client]\nserver = 127.0.0.1:1\n");
        StringWriter err = new StringWriter();
        int code = ChatCommand.execute(new String[] {"client"}, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(code).isEqualTo(ExitStatus.USAGE);
        assertThat(err.toString()).isEqualTo("chat: " + tmp.resolve("xdg/chat/config.toml") + " line 2: the value of"
                + " 'server' is not a string, number, true or false: 127.0.0.1:1 (a string is written in quotes:"
                + " \"127.0.0.1:1\")" + System.lineSeparator());
    }
}
