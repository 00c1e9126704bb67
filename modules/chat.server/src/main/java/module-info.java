/**
 * The chat server: one virtual thread per connection, the authenticated handshake, every
 * request checked against the directory and the channel's state, entries ordered,
 * stamped, made durable by chat.storage and only then broadcast. It never holds a channel
 * key or a plaintext message.
 */
module chat.server {
    requires transitive chat.protocol; // ServerConfig names protocol limits
    requires chat.storage;

    exports chat.server;
}
