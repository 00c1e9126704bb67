package chat.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import org.junit.jupiter.api.Test;

/** The module exports its API and its provider SPI only and needs nothing but java.base. */
class ModuleGraphTest {

    @Test
    void exportsOnlyTheApi() {
        Module module = EntryStore.class.getModule();
        assertThat(module.isNamed()).isTrue();
        ModuleDescriptor descriptor = module.getDescriptor();
        assertThat(descriptor.name()).isEqualTo("chat.storage");
        assertThat(descriptor.isAutomatic()).isFalse();
        assertThat(descriptor.exports()).extracting(ModuleDescriptor.Exports::source)
                .containsExactlyInAnyOrder("chat.storage", "chat.storage.spi");
        assertThat(descriptor.exports()).allMatch(e -> !e.isQualified());
        assertThat(descriptor.requires()).extracting(ModuleDescriptor.Requires::name).containsExactly("java.base");
        assertThat(descriptor.opens()).isEmpty();
        assertThat(descriptor.uses()).isEmpty();
        assertThat(descriptor.packages()).containsExactlyInAnyOrder("chat.storage", "chat.storage.spi", "chat.storage.internal");
    }
}
