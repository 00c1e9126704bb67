package chat.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** chat.1 is made from the same model as --help: every command and option is in it. */
class ManPageTest {

    private static String page() {
        StringWriter out = new StringWriter();
        CommandLine cli = ChatCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        assertThat(cli.execute("man")).isZero();
        return out.toString();
    }

    @Test
    void thePageHasEveryCommandAndOptionAndNoHiddenOne() {
        String page = page();
        assertThat(page).startsWith(".TH CHAT 1 ").contains(".SH NAME\nchat \\- Self\\-hosted, end\\-to\\-end encrypted");
        for (String command : new String[] {"chat generate", "chat server", "chat client", "chat user add",
            "chat user remove", "chat keygen", "chat passwd"}) {
            assertThat(page).contains(".SS \"" + command.replace("-", "\\-") + "\"");
        }
        assertThat(page).contains("\\fB\\-\\-listen\\fR=\\fIHOST:PORT\\fR", "\\fB\\-\\-max\\-frame\\-bytes\\fR",
                ".SH EXIT STATUS", "130  interrupted");
        assertThat(page).doesNotContain(".SS \"chat man\"", ".SS \"chat help\"", "${DEFAULT-VALUE}");
        // no line may start a troff request by accident
        assertThat(page.lines().filter(l -> l.startsWith(".") || l.startsWith("'"))
                .map(l -> l.split(" ")[0]))
                .allMatch(m -> m.matches("\\.(TH|SH|SS|TP|PP|br|B)"));
    }
}
