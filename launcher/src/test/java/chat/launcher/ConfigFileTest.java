package chat.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The config file's TOML subset: what it takes, and each mistake with its line and the exact sentence. */
class ConfigFileTest {

    private static final Path FILE = Path.of("config.toml");

    private static ConfigFile parse(String text) throws ConfigFile.ConfigException {
        return ConfigFile.parse(FILE, text);
    }

    @Test
    void readsSectionsStringsNumbersBooleansAndComments() throws Exception {
        ConfigFile c = parse("""
                # the defaults of chat client and chat server

                [client]
                server = "chat.example.org:8989"   # after a value too
                dir = '~/chat\\alice'
                rotate-after-days = 3
                [server]
                max-connections = 10_000
                handshake-timeout = 2.5
                repair = false
                escaped = "a \\"b\\" \\\\ \\u00e9 # not a comment"
                """);
        assertThat(c.section("client")).containsOnlyKeys("server", "dir", "rotate-after-days");
        assertThat(c.section("client").get("server")).isEqualTo(new ConfigFile.Value("chat.example.org:8989", 4));
        assertThat(c.section("client").get("dir").value()).isEqualTo("~/chat\\alice");
        assertThat(c.section("client").get("rotate-after-days").value()).isEqualTo(3L);
        Map<String, ConfigFile.Value> server = c.section("server");
        assertThat(server.get("max-connections").value()).isEqualTo(10_000L);
        assertThat(server.get("handshake-timeout").asArgument()).isEqualTo("2.5");
        assertThat(server.get("repair").value()).isEqualTo(false);
        assertThat(server.get("escaped").value()).isEqualTo("a \"b\" \\ \u00e9 # not a comment");
    }

    @Test
    void anEmptyFileAndAnAbsentSectionGiveNothing() throws Exception {
        assertThat(parse("").section("client")).isEmpty();
        assertThat(parse("# nothing yet\n\n[client]\n").section("server")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "server = \"x\"|config.toml line 1: 'server' is outside a section: put it under [client] or [server]",
        "[clients]|config.toml line 1: unknown section [clients]; the sections are [client] and [server]",
        "[client|config.toml line 1: expected a section header such as [client]",
        "[client]\\n[client]|config.toml line 2: section [client] is given twice",
        "[client] x|config.toml line 1: unexpected 'x' at the end of the line (a comment starts with #)",
        "[client]\\nserver|config.toml line 2: expected '=' after the key 'server'",
        "[client]\\n= 1|config.toml line 2: expected key = value (a key is made of letters, digits, '-' and '_')",
        "[client]\\nserver =|config.toml line 2: 'server' has no value (a string is written in quotes: \"...\")",
        "[client]\\nserver = \"127.0.0.1:1|config.toml line 2: the string is not closed: a \" is missing at the end of the line",
        "[client]\\nserver = '127.0.0.1:1|config.toml line 2: the string is not closed: a ' is missing at the end of the line",
        "[client]\\nserver = 127.0.0.1:1|config.toml line 2: the value of 'server' is not a string, number, true or false: 127.0.0.1:1 (a string is written in quotes: \"127.0.0.1:1\")",
        "[client]\\nserver = \"a\" \"b\"|config.toml line 2: unexpected '\"b\"' at the end of the line (a comment starts with #)",
        "[client]\\ndir = \"C:\\q\"|config.toml line 2: unknown escape \\q in a string (use \\\\ for a backslash, or single quotes for a literal string)",
        "[client]\\ndir = \"\\u12\"|config.toml line 2: \\u must be followed by four hexadecimal digits",
        "[client]\\nx = 1\\nx = 2|config.toml line 3: 'x' is given twice in [client]",
        "[client]\\nx = 99999999999999999999|config.toml line 2: the number 99999999999999999999 is too large",
        "[client]\\nx = TRUE|config.toml line 2: the value of 'x' is not a string, number, true or false: TRUE (a string is written in quotes: \"TRUE\")",
        "[client]\\nx = [1, 2]|config.toml line 2: the value of 'x' is not a string, number, true or false: [1, (a string is written in quotes: \"[1,\")",
    })
    void refusesEachMistakeWithItsLine(String text, String message) {
        assertThatThrownBy(() -> parse(text.replace("\\n", "\n")))
                .isInstanceOf(ConfigFile.ConfigException.class)
                .hasMessage(message);
    }
}
