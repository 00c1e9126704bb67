package chat.frontend.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandTest {

    @Test
    void linesWithoutASlashAreMessages() throws Exception {
        assertThat(Command.parse("hello there")).isEqualTo(new Command.Send("hello there"));
        assertThat(Command.parse("  spaced  ")).isEqualTo(new Command.Send("  spaced  "));
        assertThat(Command.parse("//shrug")).isEqualTo(new Command.Send("/shrug"));
        assertThat(Command.parse("// ")).isEqualTo(new Command.Send("/ "));
    }

    @Test
    void commandsAndTheirArguments() throws Exception {
        assertThat(Command.parse("/create general")).isEqualTo(new Command.Create("general"));
        assertThat(Command.parse("/create #general")).isEqualTo(new Command.Create("general"));
        assertThat(Command.parse("/join  random ")).isEqualTo(new Command.Join("random"));
        assertThat(Command.parse("/JOIN random")).isEqualTo(new Command.Join("random"));
        assertThat(Command.parse("/invite bob carol")).isEqualTo(new Command.Invite(List.of("bob", "carol")));
        assertThat(Command.parse("/channels")).isEqualTo(new Command.Channels());
        assertThat(Command.parse("/members")).isEqualTo(new Command.Members());
        assertThat(Command.parse("/history")).isEqualTo(new Command.History(0));
        assertThat(Command.parse("/history 50")).isEqualTo(new Command.History(50));
        assertThat(Command.parse("/alarms")).isEqualTo(new Command.Alarms());
        assertThat(Command.parse("/help")).isEqualTo(new Command.Help());
        assertThat(Command.parse("/quit")).isEqualTo(new Command.Quit());
    }

    @Test
    void navigationSearchPresenceAndNotifications() throws Exception {
        assertThat(Command.parse("/2")).isEqualTo(new Command.Window(2));
        assertThat(Command.parse("/9")).isEqualTo(new Command.Window(9));
        assertThat(Command.parse("/win 12")).isEqualTo(new Command.Window(12));
        assertThat(Command.parse("/window 3")).isEqualTo(new Command.Window(3));
        assertThat(Command.parse("/clear")).isEqualTo(new Command.Clear());
        assertThat(Command.parse("/search  lunch at noon ")).isEqualTo(new Command.Search("lunch at noon"));
        assertThat(Command.parse("/who")).isEqualTo(new Command.Who());
        assertThat(Command.parse("/names")).isEqualTo(new Command.Members());
        assertThat(Command.parse("/notify")).isEqualTo(new Command.Notify(null));
        assertThat(Command.parse("/notify Mentions")).isEqualTo(new Command.Notify(Notifier.Mode.MENTIONS));
        assertThat(Command.parse("/notify off")).isEqualTo(new Command.Notify(Notifier.Mode.OFF));
        assertThat(Command.parse("/notify on")).isEqualTo(new Command.Notify(Notifier.Mode.ON));
        assertThatThrownBy(() -> Command.parse("/notify loud")).isInstanceOf(Command.Usage.class)
                .hasMessage("Usage: /notify on|mentions|off (on: mentions and messages in other channels; mentions:"
                        + " only when someone writes your name; off: never).");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/create|Usage: /create NAME (create a channel and switch to it).",
        "/create my channel!|Invalid channel name 'my channel!': use 1-64 letters, digits, '.', '_' or '-' (not only dots).",
        "/create #gen/eral|Invalid channel name 'gen/eral': use 1-64 letters, digits, '.', '_' or '-' (not only dots).",
        "/create ...|Invalid channel name '...': use 1-64 letters, digits, '.', '_' or '-' (not only dots).",
        "/create #|Invalid channel name '': use 1-64 letters, digits, '.', '_' or '-' (not only dots).",
        "/join|Usage: /join NAME (switch to a channel: shows its recent history).",
        "/invite|Usage: /invite USER... (add people to the current channel).",
        "/history 0|Usage: /history [N] (print the last N entries of the channel (default: all)).",
        "/history -3|Usage: /history [N] (print the last N entries of the channel (default: all)).",
        "/history lots|Usage: /history [N] (print the last N entries of the channel (default: all)).",
        "/history 9999999|Usage: /history [N] (print the last N entries of the channel (default: all)).",
        "/channels now|/channels takes no arguments.",
        "/members all|/members takes no arguments.",
        "/win|Usage: /win N (switch to channel number N, as /channels numbers them (also /1../9 and Alt-1..Alt-9)).",
        "/win 0|Usage: /win N (switch to channel number N, as /channels numbers them (also /1../9 and Alt-1..Alt-9)).",
        "/win two|Usage: /win N (switch to channel number N, as /channels numbers them (also /1../9 and Alt-1..Alt-9)).",
        "/2 now|/win takes no arguments.",
        "/search|Usage: /search TEXT (the messages on this device that contain TEXT (the server learns nothing)).",
        "/search   |Usage: /search TEXT (the messages on this device that contain TEXT (the server learns nothing)).",
        "/clear all|/clear takes no arguments.",
        "/who is there|/who takes no arguments.",
        "/0|There is no command /0. /help lists them; to send a line that starts with '/', begin it with '//'.",
        "/frobnicate|There is no command /frobnicate. /help lists them; to send a line that starts with '/',"
                + " begin it with '//'.",
        "/|There is no command /. /help lists them; to send a line that starts with '/', begin it with '//'.",
    })
    void malformedCommandsAreExplained(String line, String message) {
        assertThatThrownBy(() -> Command.parse(line)).isInstanceOf(Command.Usage.class).hasMessage(message);
    }
}
