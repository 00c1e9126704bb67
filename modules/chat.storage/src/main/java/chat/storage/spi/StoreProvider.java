package chat.storage.spi;

import chat.storage.HistoryStore;
import chat.storage.StorageException;

/**
 * A kind of history store other than the embedded journal, found with
 * {@link java.util.ServiceLoader} by the scheme of {@code chat server --store URL}
 * (e.g. {@code postgresql}).
 */
public interface StoreProvider {

    /** The URL scheme this provider opens, e.g. {@code postgresql}. */
    String scheme();

    /**
     * Opens (and creates or migrates) the store at {@code url}.
     *
     * @param url      the location as the user gave it, {@code scheme://user@host:port/name}
     * @param password the password, or null to connect without one; not kept after open
     * @throws StorageException it cannot be reached, refused the login, or holds a newer
     *                          format than this code knows; the message says which, in one sentence
     */
    HistoryStore open(String url, char[] password) throws StorageException;

    /**
     * Checks that {@link #open} would succeed, changing as little as possible, for
     * {@code chat server --check}; by default it opens and closes the store.
     *
     * @return what was found, as a phrase (e.g. "schema version 1")
     * @throws StorageException as {@link #open} would
     */
    default String check(String url, char[] password) throws StorageException {
        try (HistoryStore store = open(url, password)) {
            return store.describe();
        }
    }
}
