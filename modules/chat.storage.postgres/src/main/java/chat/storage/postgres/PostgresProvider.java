package chat.storage.postgres;

import chat.storage.HistoryStore;
import chat.storage.StorageException;
import chat.storage.spi.StoreProvider;

/** Opens {@code postgresql://USER@HOST:PORT/DATABASE} as a {@link PostgresStore}. */
public final class PostgresProvider implements StoreProvider {

    @Override
    public String scheme() {
        return "postgresql";
    }

    @Override
    public HistoryStore open(String url, char[] password) throws StorageException {
        return PostgresStore.open(PgLocation.parse(url), password);
    }

    @Override
    public String check(String url, char[] password) throws StorageException {
        return PostgresStore.check(PgLocation.parse(url), password);
    }
}
