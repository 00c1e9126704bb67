package chat.frontend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DesktopNotificationTest {

    @Test
    void theTerminalDecidesTheSequenceAndTheVariableOverridesIt() {
        assertThat(DesktopNotification.forTerminal(Map.of("TERM", "xterm-256color"))).isEqualTo(DesktopNotification.NONE);
        assertThat(DesktopNotification.forTerminal(Map.of("TERM_PROGRAM", "iTerm.app"))).isEqualTo(DesktopNotification.OSC_9);
        assertThat(DesktopNotification.forTerminal(Map.of("TERM", "xterm-kitty"))).isEqualTo(DesktopNotification.OSC_9);
        assertThat(DesktopNotification.forTerminal(Map.of("TERM", "foot"))).isEqualTo(DesktopNotification.OSC_777);
        assertThat(DesktopNotification.forTerminal(Map.of("VTE_VERSION", "7600"))).isEqualTo(DesktopNotification.OSC_777);
        assertThat(DesktopNotification.forTerminal(Map.of("VTE_VERSION", "7600", "TMUX", "/tmp/t,1,0")))
                .as("tmux swallows OSC").isEqualTo(DesktopNotification.NONE);
        assertThat(DesktopNotification.forTerminal(Map.of("TMUX", "x", "CHAT_NOTIFY_OSC", "777")))
                .isEqualTo(DesktopNotification.OSC_777);
        assertThat(DesktopNotification.forTerminal(Map.of("TERM", "foot", "CHAT_NOTIFY_OSC", "none")))
                .isEqualTo(DesktopNotification.NONE);
        assertThat(DesktopNotification.forTerminal(Map.of("CHAT_NOTIFY_OSC", "9"))).isEqualTo(DesktopNotification.OSC_9);
    }

    @Test
    void titleAndBodyCannotEndTheSequenceEarly() {
        assertThat(DesktopNotification.OSC_777.sequence("bob in #general", "hi @alice"))
                .isEqualTo("\u001b]777;notify;bob in #general;hi @alice\u001b\\");
        assertThat(DesktopNotification.OSC_9.sequence("bob in #general", "hi"))
                .isEqualTo("\u001b]9;bob in #general: hi\u001b\\");
        assertThat(DesktopNotification.NONE.sequence("t", "b")).isEmpty();
        String hostile = DesktopNotification.OSC_777.sequence("a;b", "x\u001b\\\u0007y\nz");
        assertThat(hostile).isEqualTo("\u001b]777;notify;a,b;x?\\?y z\u001b\\");
        assertThat(DesktopNotification.OSC_9.sequence("t", "x".repeat(500))).hasSizeLessThan(140);
    }
}
