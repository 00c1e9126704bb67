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
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.Principal;

/**
 * The client's side of the handshake: {@link #start()} gives initConn; {@link #finish}
 * checks the server's initKey against the server key from the directory, derives the
 * session keys and gives the initConfirm to send as the first encrypted frame. Single use.
 */
public final class ClientHandshake {

    public static final int VERSION = 1;

    private final IdentityKeys user;
    private final Principal server;
    private AgreementKeyPair ephemeral;
    private byte[] th1;

    public ClientHandshake(IdentityKeys user, Principal server) {
        this.user = user;
        this.server = server;
    }

    public InitConn start() {
        if (ephemeral != null) {
            throw new IllegalStateException("handshake already started");
        }
        ephemeral = AgreementKeyPair.generate();
        byte[] nonce = CryptoRandom.bytes(MessageCodec.NONCE_LENGTH);
        byte[] eph = ephemeral.publicKey().bytes();
        byte[] signature = user.signing().sign(SignedForms.initConn(VERSION, user.name(), nonce, eph,
                server.signingKey()));
        InitConn hello = new InitConn(VERSION, user.name(), nonce, eph, signature);
        th1 = Transcript.th1(hello);
        return hello;
    }

    public record Result(SessionKeys keys, InitConfirm confirm) {
    }

    /**
     * Checks initKey. A signature that does not verify with the directory's server key
     * means we are not talking to our server: {@link ErrorCode#HANDSHAKE_FAILED} with a
     * message saying so (the caller reports "server key does not match the directory").
     */
    public Result finish(InitKey reply) throws ProtocolException {
        if (th1 == null) {
            throw new IllegalStateException("start() first");
        }
        try {
            if (reply.version() != VERSION) {
                throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, "server speaks protocol version "
                        + reply.version() + ", this client speaks " + VERSION);
            }
            byte[] signed = SignedForms.initKey(reply.version(), user.name(), th1, reply.nonce(), reply.ephemeralKey());
            if (!server.signingKey().verify(signed, reply.signature())) {
                throw new ServerKeyMismatchException();
            }
            byte[] shared = ephemeral.agree(AgreementPublicKey.of(reply.ephemeralKey()));
            byte[] th2 = Transcript.th2(th1, reply);
            SessionKeys keys = Transcript.derive(th2, shared);
            InitConfirm confirm = new InitConfirm(user.signing().sign(SignedForms.initConfirm(user.name(), th2)));
            return new Result(keys, confirm);
        } catch (MalformedInputException e) {
            throw new ProtocolException(ErrorCode.HANDSHAKE_FAILED, "server's ephemeral key is invalid: " + e.getMessage());
        } finally {
            ephemeral.destroy();
        }
    }

    /** The server's initKey is not signed by the key the directory lists for the server. */
    public static final class ServerKeyMismatchException extends ProtocolException {
        ServerKeyMismatchException() {
            super(ErrorCode.HANDSHAKE_FAILED, "the server's signature does not match the server key in the directory:"
                    + " this is not your server, or someone is in between");
        }
    }
}
