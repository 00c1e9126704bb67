/**
 * The contract between chat servers and clients: framing, the message vocabulary and its
 * strict codec, RFC 8785 canonical JSON, the authenticated handshake and the encrypted
 * transport, the per-channel hash chain, and the identity files every bundle holds.
 * See docs/protocol.md.
 */
module chat.protocol {
    requires com.fasterxml.jackson.core; // streaming API only; no data binding
    requires transitive chat.crypto; // key types appear in identity and handshake signatures

    exports chat.protocol;
    exports chat.protocol.identity;
    exports chat.protocol.json;
    exports chat.protocol.wire;
}
