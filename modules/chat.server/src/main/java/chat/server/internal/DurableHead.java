package chat.server.internal;

/** A channel's newest durable entry: what replays read up to. Immutable, published through a volatile field. */
record DurableHead(long seq, byte[] head) {
}
