package chat.client.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which frontend {@code chat client} runs: the one named, else cli, else the only one; never a guess. */
class FrontendsTest {

    record Named(String name) implements Frontend {
        @Override
        public String description() {
            return "the " + name + " frontend";
        }

        @Override
        public int run(FrontendContext context) {
            return 0;
        }
    }

    private static final Frontend CLI = new Named("cli");
    private static final Frontend JSON = new Named("json");
    private static final Frontend HELLO = new Named("hello");

    @Test
    void theNameAskedForWins() throws FrontendException {
        Frontends all = Frontends.of(List.of(CLI, JSON, HELLO));
        assertThat(all.select("json")).isSameAs(JSON);
        assertThat(all.select("hello")).isSameAs(HELLO);
        assertThat(all.select("cli")).isSameAs(CLI);
    }

    @Test
    void withoutANameCliIsTheDefault() throws FrontendException {
        assertThat(Frontends.of(List.of(JSON, CLI, HELLO)).select(null)).isSameAs(CLI);
    }

    @Test
    void withoutANameAndWithoutCliTheOnlyFrontendIsUsed() throws FrontendException {
        assertThat(Frontends.of(List.of(JSON)).select(null)).isSameAs(JSON);
    }

    @Test
    void withoutANameAndSeveralToChooseFromItAsks() {
        assertThatThrownBy(() -> Frontends.of(List.of(JSON, HELLO)).select(null))
                .isInstanceOf(FrontendException.class)
                .hasMessage("choose a frontend with --frontend: hello, json");
    }

    @Test
    void anUnknownNameListsTheAvailableOnes() {
        assertThatThrownBy(() -> Frontends.of(List.of(JSON, HELLO, CLI)).select("nosuch"))
                .isInstanceOf(FrontendException.class)
                .hasMessage("no frontend named 'nosuch'; available: cli, hello, json");
    }

    @Test
    void noFrontendAtAll() {
        Frontends none = Frontends.of(List.of());
        assertThat(none.names()).isEmpty();
        assertThatThrownBy(() -> none.select(null)).hasMessage("no frontend is installed");
        assertThatThrownBy(() -> none.select("json")).hasMessage("no frontend named 'json'; available: ");
    }

    @Test
    void namesAreSortedAndTheFirstOfTwoWithTheSameNameWins() {
        Frontend otherJson = new Named("json");
        Frontends all = Frontends.of(List.of(otherJson, HELLO, JSON));
        assertThat(all.names()).containsExactly("hello", "json");
        assertThat(all.all().get("json")).isSameAs(otherJson);
        assertThat(all.all().keySet()).as("listed in order").containsExactly("hello", "json");
    }

    @Test
    void aMissingOrEmptyPluginsFolderLeavesTheBootLayerFrontends(@TempDir Path tmp) throws Exception {
        // This module's tests see no provider in the boot layer; the image has json (tests/e2e).
        List<String> boot = Frontends.load(null).names();
        assertThat(Frontends.load(tmp.resolve("missing")).names()).isEqualTo(boot);
        Files.writeString(tmp.resolve("README.txt"), "not a jar");
        assertThat(Frontends.load(tmp).names()).isEqualTo(boot);
    }

    @Test
    void aJarThatIsNotAJarIsSkippedWithAWarning(@TempDir Path tmp) throws Exception {
        List<String> boot = Frontends.load(null).names();
        Files.writeString(tmp.resolve("broken.jar"), "this is not a zip file");
        Frontends loaded = Frontends.load(tmp);
        assertThat(loaded.names()).isEqualTo(boot);
        assertThat(loaded.warnings()).singleElement().asString()
                .startsWith("skipped plugin " + tmp.resolve("broken.jar") + ": ");
    }
}
