package chat.e2e.store;

import chat.storage.EntryStore;
import chat.storage.HistoryStore;
import chat.storage.StoreOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract against the embedded journal. */
class JournalStoreContractTest extends StoreContract {

    @TempDir
    Path tmp;
    private int stores;
    private final java.util.Map<HistoryStore, Path> dirs = new java.util.IdentityHashMap<>();

    @Override
    protected HistoryStore create() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("data" + stores++));
        HistoryStore store = EntryStore.open(StoreOptions.defaults(dir));
        dirs.put(store, dir);
        return store;
    }

    @Override
    protected HistoryStore reopen(HistoryStore store) throws Exception {
        store.close();
        HistoryStore again = EntryStore.open(StoreOptions.defaults(dirs.get(store)));
        dirs.put(again, dirs.get(store));
        return again;
    }
}
