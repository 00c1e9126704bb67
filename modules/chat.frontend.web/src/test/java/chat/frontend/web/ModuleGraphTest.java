package chat.frontend.web;

import static org.assertj.core.api.Assertions.assertThat;

import chat.client.spi.Frontend;
import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A named module that provides the web frontend, exports nothing and opens its JSON records only to Jackson. */
class ModuleGraphTest {

    @Test
    void providesTheFrontendExportsNothingAndOpensOnlyTheApiRecords() {
        Module module = WebFrontend.class.getModule();
        assertThat(module.isNamed()).as("tests run on the module path").isTrue();
        ModuleDescriptor d = module.getDescriptor();
        assertThat(d.name()).isEqualTo("chat.frontend.web");
        assertThat(d.isAutomatic()).isFalse();
        assertThat(d.exports()).isEmpty();
        assertThat(d.opens()).singleElement().satisfies(o -> {
            assertThat(o.source()).isEqualTo("chat.frontend.web.internal.api");
            assertThat(o.targets()).containsExactly("com.fasterxml.jackson.databind");
        });
        assertThat(d.provides()).singleElement().satisfies(p -> {
            assertThat(p.service()).isEqualTo(Frontend.class.getName());
            assertThat(p.providers()).containsExactly(WebFrontend.class.getName());
        });
        Set<String> requires = d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        assertThat(requires).containsExactlyInAnyOrder("java.base", "chat.client", "jdk.httpserver",
                "com.fasterxml.jackson.databind");
    }

    @Test
    void isNamedWeb() {
        assertThat(new WebFrontend().name()).isEqualTo("web");
    }
}
