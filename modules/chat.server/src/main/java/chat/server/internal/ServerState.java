package chat.server.internal;

import chat.protocol.MessageCodec;
import chat.protocol.identity.ServerBundle;
import chat.server.ServerConfig;
import java.util.function.Consumer;

/** Builds the shared state of a server from its bundle and its recovered journal. */
public final class ServerState {

    private ServerState() {
    }

    public static ServerContext create(ServerConfig config, ServerBundle bundle, chat.storage.HistoryStore store,
                                       Consumer<Throwable> onStorageFailure) {
        Hub hub = new Hub(bundle.log(), store, new MessageCodec(config.limits()), config.quotas(), config.dataDir(),
                onStorageFailure);
        if (hub.shared != null) {
            hub.shared.listen(hub::refresh); // other servers' entries, delivered to this one's connections
        }
        return new ServerContext(config, hub, bundle.keys());
    }
}
