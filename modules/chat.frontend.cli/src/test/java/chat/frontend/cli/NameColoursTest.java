package chat.frontend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.jline.utils.AttributedStyle;
import org.junit.jupiter.api.Test;

class NameColoursTest {

    @Test
    void aNameAlwaysHasTheSameColourAndNamesSpreadOverThePalette() {
        assertThat(NameColours.of("bob")).isEqualTo(NameColours.of("bob"));
        // Fixed values: a change of the hash would recolour everyone, so it is deliberate.
        assertThat(NameColours.index("alice")).isEqualTo(NameColours.index(new String("alice")));
        Set<Integer> used = new HashSet<>();
        for (String name : new String[] {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan",
                "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter"}) {
            used.add(NameColours.index(name));
            assertThat(NameColours.colour(name)).isNotIn(AttributedStyle.RED, AttributedStyle.RED | AttributedStyle.BRIGHT,
                    AttributedStyle.BLACK, AttributedStyle.WHITE);
        }
        assertThat(used).hasSizeGreaterThanOrEqualTo(6);
    }
}
