package chat.frontend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import chat.client.spi.Frontend;
import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The module is a named module that provides the cli frontend, exports nothing and needs only what it says. */
class ModuleGraphTest {

    @Test
    void providesTheFrontendAndExportsNothing() {
        Module module = CliFrontend.class.getModule();
        assertThat(module.isNamed()).as("tests run on the module path").isTrue();
        ModuleDescriptor d = module.getDescriptor();
        assertThat(d.name()).isEqualTo("chat.frontend.cli");
        assertThat(d.isAutomatic()).isFalse();
        assertThat(d.exports()).isEmpty();
        assertThat(d.provides()).singleElement().satisfies(p -> {
            assertThat(p.service()).isEqualTo(Frontend.class.getName());
            assertThat(p.providers()).containsExactly(CliFrontend.class.getName());
        });
        Set<String> requires = d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        assertThat(requires).containsExactlyInAnyOrder("java.base", "chat.client", "org.jline.reader",
                "org.jline.terminal");
    }

    @Test
    void isTheDefaultFrontendByName() {
        CliFrontend cli = new CliFrontend();
        assertThat(cli.name()).isEqualTo(chat.client.spi.Frontends.DEFAULT);
        assertThat(cli.description()).isNotBlank();
    }
}
