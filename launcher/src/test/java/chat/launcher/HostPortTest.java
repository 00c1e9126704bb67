package chat.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.client.spi.ExitStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** --server HOST:PORT[,HOST:PORT...]: the relays of one deployment, and one sentence for each mistake. */
class HostPortTest {

    private static String error(String value) {
        try {
            HostPort.parseList(value, "--server");
        } catch (CliException e) {
            assertThat(e.exitCode()).isEqualTo(ExitStatus.USAGE);
            return e.getMessage();
        }
        throw new AssertionError("accepted " + value);
    }

    @Test
    void oneAddressIsAListOfOne() {
        assertThat(HostPort.parseList("127.0.0.1:8989", "--server"))
                .containsExactly(new InetSocketAddress("127.0.0.1", 8989));
    }

    @Test
    void severalAddressesKeepTheirOrder() {
        assertThat(HostPort.parseList("127.0.0.1:9001, 127.0.0.1:9000,[::1]:9000", "--server")).containsExactly(
                new InetSocketAddress("127.0.0.1", 9001), new InetSocketAddress("127.0.0.1", 9000),
                new InetSocketAddress("::1", 9000));
    }

    @Test
    void sixteenAddressesAreAllowed() {
        String sixteen = IntStream.rangeClosed(1, 16).mapToObj(i -> "127.0.0.1:" + (9000 + i))
                .collect(Collectors.joining(","));
        assertThat(HostPort.parseList(sixteen, "--server")).hasSize(16);
    }

    @Test
    void eachMistakeIsOneSentence() {
        assertThat(error("127.0.0.1:9000,,127.0.0.1:9001")).isEqualTo("--server: address 2 of"
                + " '127.0.0.1:9000,,127.0.0.1:9001' is empty (separate addresses with single commas: HOST:PORT,HOST2:PORT2)");
        assertThat(error("127.0.0.1:9000,")).startsWith("--server: address 2 of '127.0.0.1:9000,' is empty");
        assertThat(error(",127.0.0.1:9000")).startsWith("--server: address 1 of ',127.0.0.1:9000' is empty");
        assertThat(error("127.0.0.1:9000,127.0.0.1:9000")).isEqualTo("--server lists 127.0.0.1:9000 twice");
        assertThat(error("127.0.0.1:9000,127.0.0.1:99999")).isEqualTo("--server: port 99999 is outside 0..65535");
        assertThat(error("127.0.0.1:9000,127.0.0.1:x")).isEqualTo("--server: port 'x' is not a number");
        assertThat(error("127.0.0.1:9000,127.0.0.1")).isEqualTo("--server expects HOST:PORT, got '127.0.0.1'");
        assertThat(error("127.0.0.1:0")).isEqualTo("--server: port 0 in 127.0.0.1:0 is not a server's port (1..65535)");
        String seventeen = IntStream.rangeClosed(1, 17).mapToObj(i -> "127.0.0.1:" + (9000 + i))
                .collect(Collectors.joining(","));
        assertThat(error(seventeen)).isEqualTo("--server lists 17 addresses; at most 16 are allowed");
    }

    @Test
    void theClientCommandReportsTheMistakeWithTheUsageExitCode() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ChatCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("client", "--dir", "no-such-bundle", "--server", "127.0.0.1:1,127.0.0.1:1");
        assertThat(code).isEqualTo(ExitStatus.USAGE);
        assertThat(err.toString()).contains("--server lists 127.0.0.1:1 twice");
    }

    @Test
    void theHelpExplainsSeveralServers() {
        StringWriter out = new StringWriter();
        CommandLine cli = ChatCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.execute("client", "--help");
        assertThat(out.toString()).contains("--server=HOST:PORT[,...]").contains("relays of one deployment");
    }
}
