package chat.protocol.wire;

import chat.crypto.AgreementKeyPair;
import chat.crypto.AgreementPublicKey;
import chat.crypto.CryptoRandom;
import chat.crypto.MalformedInputException;
import chat.protocol.ErrorCode;
import chat.protocol.InitConfirm;
import chat.protocol.InitConn;
import chat.protocol.InitKey;
import chat.protocol.MessageCodec;
import chat.protocol.ProtocolException;
import chat.protocol.SignedForms;
import chat.protocol.identity.Directory;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.Principal;

/**
 * The server's side of the handshake. {@link #accept} checks initConn (known user, valid
 * signature bound to this server) and answers initKey; {@link #confirm} checks the
 * user's signature over the whole transcript, which only the live holder of both the
 * ephemeral and the identity key can produce: a replayed initConn never gets this far.
 * Nothing from the client other than these is accepted before confirm succeeds.
 */
public final class ServerHandshake {

    private final IdentityKeys server;
    private final Directory directory;
    private Principal user;
    private byte[] th2;
    private SessionKeys keys;

    public ServerHandshake(IdentityKeys server, Directory directory) {
        this.server = server;
        this.directory = directory;
    }

    public InitKey accept(InitConn hello) throws ProtocolException {
        if (keys != null) {
            throw new IllegalStateException("initConn already accepted");
        }
        if (hello.version() != ClientHandshake.VERSION) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, "client speaks protocol version "
                    + hello.version() + ", this server speaks " + ClientHandshake.VERSION);
        }
        Principal claimed = directory.user(hello.userID()).orElseThrow(() -> new ProtocolException(
                ErrorCode.UNKNOWN_USER, "user '" + hello.userID() + "' is not in this server's directory"));
        byte[] signed = SignedForms.initConn(hello.version(), hello.userID(), hello.nonce(), hello.ephemeralKey(),
                server.signing().publicKey());
        if (!claimed.signingKey().verify(signed, hello.signature())) {
            throw new ProtocolException(ErrorCode.HANDSHAKE_FAILED, "initConn signature does not verify for user '"
                    + hello.userID() + "'");
        }
        AgreementKeyPair ephemeral = AgreementKeyPair.generate();
        try {
            byte[] shared = ephemeral.agree(AgreementPublicKey.of(hello.ephemeralKey()));
            byte[] th1 = Transcript.th1(hello);
            byte[] nonce = CryptoRandom.bytes(MessageCodec.NONCE_LENGTH);
            byte[] eph = ephemeral.publicKey().bytes();
            byte[] signature = server.signing().sign(SignedForms.initKey(hello.version(), hello.userID(), th1, nonce, eph));
            InitKey reply = new InitKey(hello.version(), nonce, eph, signature);
            th2 = Transcript.th2(th1, reply);
            keys = Transcript.derive(th2, shared);
            user = claimed;
            return reply;
        } catch (MalformedInputException e) {
            throw new ProtocolException(ErrorCode.HANDSHAKE_FAILED, "client's ephemeral key is invalid: " + e.getMessage());
        } finally {
            ephemeral.destroy();
        }
    }

    /** The session keys, available after {@link #accept}; use them to decrypt the initConfirm frame. */
    public SessionKeys keys() {
        if (keys == null) {
            throw new IllegalStateException("accept() first");
        }
        return keys;
    }

    /** Checks the client's initConfirm; returns the authenticated user. */
    public Principal confirm(InitConfirm confirm) throws ProtocolException {
        if (th2 == null) {
            throw new IllegalStateException("accept() first");
        }
        if (!user.signingKey().verify(SignedForms.initConfirm(user.name(), th2), confirm.signature())) {
            throw new ProtocolException(ErrorCode.HANDSHAKE_FAILED, "initConfirm signature does not verify for user '"
                    + user.name() + "'");
        }
        return user;
    }
}
