package chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The server exports its small API only; the connection machinery stays internal. */
class ModuleGraphTest {

    @Test
    void exportsOnlyTheApiAndNeedsOnlyProtocolAndStorage() {
        Module module = ChatServer.class.getModule();
        assertThat(module.isNamed()).isTrue();
        ModuleDescriptor descriptor = module.getDescriptor();
        assertThat(descriptor.name()).isEqualTo("chat.server");
        assertThat(descriptor.isAutomatic()).isFalse();
        assertThat(descriptor.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("chat.server");
        assertThat(descriptor.exports()).allMatch(e -> !e.isQualified());
        Map<String, java.util.Set<ModuleDescriptor.Requires.Modifier>> requires = descriptor.requires().stream()
                .collect(Collectors.toMap(ModuleDescriptor.Requires::name, ModuleDescriptor.Requires::modifiers));
        assertThat(requires).containsOnlyKeys("java.base", "chat.protocol", "chat.storage");
        assertThat(requires.get("chat.protocol")).contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE);
        // Stores.open hands out a HistoryStore, so chat.storage is part of the API
        assertThat(requires.get("chat.storage")).contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE);
        assertThat(descriptor.opens()).isEmpty();
        assertThat(descriptor.uses()).containsExactly("chat.storage.spi.StoreProvider"); // --store URL
        assertThat(descriptor.provides()).isEmpty();
        assertThat(descriptor.packages()).containsExactlyInAnyOrder("chat.server", "chat.server.internal");
    }
}
