package chat.server.internal;

import chat.protocol.MessageCodec;
import chat.protocol.identity.ServerBundle;
import chat.server.ServerConfig;
import chat.storage.EntryStore;
import java.util.function.Consumer;

/** Builds the shared state of a server from its bundle and its recovered journal. */
public final class ServerState {

    private ServerState() {
    }

    public static ServerContext create(ServerConfig config, ServerBundle bundle, EntryStore store,
                                       Consumer<Throwable> onStorageFailure) {
        Hub hub = new Hub(bundle.log(), store, new MessageCodec(config.limits()), config.quotas(), config.dataDir(),
                onStorageFailure);
        return new ServerContext(config, hub, bundle.keys());
    }
}
