/**
 * The cryptographic core of chat: Ed25519 and X25519 identity keys, AES-256-GCM, HKDF,
 * HPKE (RFC 9180) key wrapping, Argon2id passphrase protection, fingerprints and the one
 * source of secure randomness. No BouncyCastle or JCA type appears in its API.
 */
module chat.crypto {
    requires org.bouncycastle.provider; // lightweight API only, never registered as a JCE provider

    exports chat.crypto;
}
