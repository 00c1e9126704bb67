package chat.launcher;

import static chat.launcher.CliResult.run;
import static org.assertj.core.api.Assertions.assertThat;

import chat.client.spi.ExitStatus;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The top-level command line: mistakes get a suggestion, and the help says whole sentences. */
class ChatCommandTest {


    @Test
    void aMistypedCommandSuggestsTheNearestOne() {
        CliResult r = run("clinet");
        assertThat(r.code()).isEqualTo(ExitStatus.USAGE);
        assertThat(r.err()).contains("Did you mean: chat client?");
    }

    @Test
    void aMistypedOptionSuggestsTheNearestOne() {
        CliResult r = run("client", "--dir", "x", "--sever", "127.0.0.1:1");
        assertThat(r.code()).isEqualTo(ExitStatus.USAGE);
        assertThat(r.err()).contains("Unknown option: '--sever'").contains("Did you mean: --server?");
    }

    @Test
    void theCommandListGivesEachCommandAWholeSentence() {
        CliResult r = run("--help");
        String list = r.out().substring(r.out().indexOf("Commands:"), r.out().indexOf("Exit codes:"));
        // one entry per command; its summary (joined over its wrapped lines) ends a sentence
        String[] entries = list.replaceAll("\n {14}", " ").split("\n");
        assertThat(Arrays.stream(entries).skip(1).filter(e -> !e.isBlank()))
                .allSatisfy(e -> assertThat(e.strip()).endsWith("."));
        assertThat(r.out()).doesNotContain("\ndirectory)");
    }
}
