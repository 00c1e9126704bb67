/**
 * The server's embedded, crash-safe, append-only journal of channel history.
 *
 * <p>{@link chat.storage.EntryStore} stores {@link chat.storage.StoredEntry} values (channel
 * creations, invitations and messages) whose payloads are opaque bytes: the server never
 * hands it plaintext. Appends are group-committed (one fsync per batch) and reported
 * durable through an {@link chat.storage.AppendCallback}; history is read back through a
 * bounded-memory {@link chat.storage.EntryCursor}; at open the store recovers from torn
 * writes and returns the {@link chat.storage.RecoveredState} the server rebuilds its
 * in-memory view from. The on-disk format is described in {@code docs/storage.md}.
 */
module chat.storage {
    exports chat.storage;
    exports chat.storage.spi;
}
