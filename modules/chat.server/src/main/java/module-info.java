/**
 * The chat server: one virtual thread per connection, the authenticated handshake, every
 * request checked against the directory and the channel's state, entries ordered,
 * stamped, made durable by chat.storage and only then broadcast. It never holds a channel
 * key or a plaintext message. With {@code --store URL} the history is in a store that
 * several servers share, found as a {@link chat.storage.spi.StoreProvider}.
 */
module chat.server {
    requires transitive chat.protocol; // ServerConfig names protocol limits
    requires transitive chat.storage; // Stores hands out a HistoryStore

    exports chat.server;

    uses chat.storage.spi.StoreProvider;
}
