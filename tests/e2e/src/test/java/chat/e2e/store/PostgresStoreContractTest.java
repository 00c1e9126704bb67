package chat.e2e.store;

import chat.e2e.PgCluster;
import chat.storage.HistoryStore;
import chat.storage.postgres.PostgresProvider;

/** The store contract against PostgreSQL: a throwaway cluster, a fresh database per test. */
class PostgresStoreContractTest extends StoreContract {

    private final java.util.Map<HistoryStore, String> urls = new java.util.IdentityHashMap<>();

    static HistoryStore open(String url) throws Exception {
        return new PostgresProvider().open(url, PgCluster.PASSWORD.toCharArray());
    }

    @Override
    protected HistoryStore create() throws Exception {
        String url = PgCluster.get().newDatabase();
        HistoryStore store = open(url);
        urls.put(store, url);
        return store;
    }

    @Override
    protected HistoryStore reopen(HistoryStore store) throws Exception {
        store.close();
        HistoryStore again = open(urls.get(store));
        urls.put(again, urls.get(store));
        return again;
    }
}
