package chat.frontend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NotifierTest {

    private final Mentions bob = new Mentions("bob");

    @ParameterizedTest
    @ValueSource(strings = {"bob", "@bob", "hi bob", "Bob: lunch?", "thanks, BOB.", "(@bob)", "ask bob!", "bob\nsecond",
        "line one\n@bob"})
    void yourNameAsAWordIsAMention(String text) {
        assertThat(bob.in(text)).as(text).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bobby", "jimbob", "bob-2", "bob_smith", "me@bob", "b o b", "", "bo", "x.bob"})
    void yourNameInsideAnotherWordIsNot(String text) {
        assertThat(bob.in(text)).as(text).isFalse();
    }

    @Test
    void aNameWithDotsAndDashesIsTakenLiterally() {
        Mentions dotted = new Mentions("a.b-c");
        assertThat(dotted.in("hey a.b-c!")).isTrue();
        assertThat(dotted.in("hey axb-c")).isFalse(); // '.' is not "any character"
        assertThat(dotted.in("hey a.b-cd")).isFalse();
    }

    @Test
    void spansMarkEachMention() {
        assertThat(bob.spans("@bob and Bob, not bobby")).extracting(s -> List.of(s[0], s[1]))
                .containsExactly(List.of(0, 4), List.of(9, 12));
    }

    @Test
    void mentionsAndOtherChannelsRingYourOwnMessagesNever() {
        Notifier n = new Notifier(bob);
        assertThat(n.decide("general", "hi @bob", false, "general")).isEqualTo(Notifier.Alert.MENTION);
        assertThat(n.decide("random", "lunch?", false, "general")).isEqualTo(Notifier.Alert.ELSEWHERE);
        assertThat(n.decide("general", "lunch?", false, "general")).isEqualTo(Notifier.Alert.NONE);
        assertThat(n.decide("random", "hi @bob", true, "general")).as("my own").isEqualTo(Notifier.Alert.NONE);
        assertThat(n.decide("random", "hi", true, "general")).as("my own").isEqualTo(Notifier.Alert.NONE);
        assertThat(n.decide("random", "hi", false, null)).isEqualTo(Notifier.Alert.ELSEWHERE);
    }

    @Test
    void theModeDecidesWhatRings() {
        Notifier n = new Notifier(bob);
        n.mode(Notifier.Mode.MENTIONS);
        assertThat(n.decide("random", "lunch?", false, "general")).isEqualTo(Notifier.Alert.NONE);
        assertThat(n.decide("random", "bob: lunch?", false, "general")).isEqualTo(Notifier.Alert.MENTION);
        n.mode(Notifier.Mode.OFF);
        assertThat(n.decide("random", "bob: lunch?", false, "general")).isEqualTo(Notifier.Alert.NONE);
        assertThat(Notifier.Mode.parse("OFF")).isEqualTo(Notifier.Mode.OFF);
        assertThat(Notifier.Mode.parse("loud")).isNull();
    }
}
