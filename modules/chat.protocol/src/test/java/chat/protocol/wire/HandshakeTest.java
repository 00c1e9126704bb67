package chat.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.crypto.AgreementKeyPair;
import chat.crypto.CryptoRandom;
import chat.crypto.SigningKeyPair;
import chat.protocol.ErrorCode;
import chat.protocol.InitConfirm;
import chat.protocol.InitConn;
import chat.protocol.InitKey;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.Ping;
import chat.protocol.Pong;
import chat.protocol.ProtocolException;
import chat.protocol.SignedForms;
import chat.protocol.identity.Directory;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.Principal;
import chat.protocol.json.ObjectReader;
import chat.protocol.vectors.Vectors;
import java.util.HexFormat;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ClientHandshake} and {@link ServerHandshake} in memory: the success path, and
 * every attack docs/protocol.md, "Handshake analysis", claims the handshake stops. Frames
 * are sealed and opened exactly as on the wire, only without a socket in between.
 */
class HandshakeTest {

    static final MessageCodec CODEC = new MessageCodec();

    final IdentityKeys server = IdentityKeys.generate("server");
    final IdentityKeys alice = IdentityKeys.generate("alice");
    final IdentityKeys bob = IdentityKeys.generate("bob");
    final Directory directory = new Directory(server.principal(),
            Map.of("alice", alice.principal(), "bob", bob.principal()));

    ClientHandshake client(IdentityKeys user) {
        return new ClientHandshake(user, server.principal());
    }

    ServerHandshake server() {
        return new ServerHandshake(server, directory);
    }

    static void assertFails(ThrowingCallable call, ErrorCode code, String fragment) {
        assertThatThrownBy(call)
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining(fragment)
                .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo(code));
    }

    /** What the server does with the first encrypted frame: decrypt, decode, check. */
    static Principal confirmFrame(ServerHandshake handshake, FrameOpener opener, byte[] frame) throws ProtocolException {
        Message m = CODEC.decode(opener.open(frame));
        if (!(m instanceof InitConfirm confirm)) {
            throw new ProtocolException(ErrorCode.HANDSHAKE_FAILED, "expected initConfirm, got " + m.type());
        }
        return handshake.confirm(confirm);
    }

    static InitConn signedInitConn(IdentityKeys signer, String userID, int version, byte[] ephemeral,
                                   Principal serverPrincipal) {
        byte[] nonce = CryptoRandom.bytes(MessageCodec.NONCE_LENGTH);
        return new InitConn(version, userID, nonce, ephemeral, signer.signing().sign(
                SignedForms.initConn(version, userID, nonce, ephemeral, serverPrincipal.signingKey())));
    }

    // ---------------------------------------------------------------- success

    @Test
    void bothSidesDeriveTheSameKeysAndTheConfirmFrameAuthenticatesTheUser() throws Exception {
        ClientHandshake client = client(alice);
        ServerHandshake handshake = server();

        InitKey reply = handshake.accept(client.start());
        ClientHandshake.Result result = client.finish(reply);
        assertThat(result.keys().clientToServer()).isEqualTo(handshake.keys().clientToServer());
        assertThat(result.keys().serverToClient()).isEqualTo(handshake.keys().serverToClient());
        assertThat(result.keys().clientToServer()).isNotEqualTo(result.keys().serverToClient());

        FrameSealer clientSealer = result.keys().clientSealer();
        FrameOpener serverOpener = handshake.keys().serverOpener();
        byte[] confirmFrame = clientSealer.seal(CODEC.encode(result.confirm()));
        assertThat(confirmFrame(handshake, serverOpener, confirmFrame)).isEqualTo(alice.principal());

        // and traffic continues both ways under the same keys and counters
        byte[] ping = clientSealer.seal(CODEC.encode(new Ping()));
        assertThat(CODEC.decode(serverOpener.open(ping))).isInstanceOf(Ping.class);
        byte[] pong = handshake.keys().serverSealer().seal(CODEC.encode(new Pong()));
        assertThat(CODEC.decode(result.keys().clientOpener().open(pong))).isInstanceOf(Pong.class);
    }

    @Test
    void everyHandshakeHasFreshKeys() throws Exception {
        ClientHandshake c1 = client(alice);
        ClientHandshake c2 = client(alice);
        SessionKeys k1 = c1.finish(server().accept(c1.start())).keys();
        SessionKeys k2 = c2.finish(server().accept(c2.start())).keys();
        assertThat(k1.clientToServer()).isNotEqualTo(k2.clientToServer());
        assertThat(k1.serverToClient()).isNotEqualTo(k2.serverToClient());
    }

    @Test
    void theSessionKeysFollowTheDocumentedScheduleOnTheGoldenVector() throws Exception {
        ObjectReader v = Vectors.load("handshake.json");
        HexFormat hex = HexFormat.of();
        SessionKeys keys = Transcript.derive(Vectors.hex(v, "th2"), Vectors.hex(v, "sharedSecret"));
        assertThat(hex.formatHex(keys.clientToServer())).isEqualTo(v.string("c2sKey"));
        assertThat(hex.formatHex(keys.serverToClient())).isEqualTo(v.string("s2cKey"));
    }

    // ---------------------------------------------------------------- identity

    @Test
    void aServerWhoseKeyDiffersFromTheDirectoryIsDetectedByTheClient() throws Exception {
        // An impostor answers in the real server's place, with its own key.
        IdentityKeys impostor = IdentityKeys.generate("server");
        ClientHandshake client = client(alice);
        InitConn hello = client.start();
        byte[] nonce = CryptoRandom.bytes(32);
        byte[] eph = AgreementKeyPair.generate().publicKey().bytes();
        InitKey forged = new InitKey(1, nonce, eph, impostor.signing().sign(
                SignedForms.initKey(1, "alice", Transcript.th1(hello), nonce, eph)));
        assertThatThrownBy(() -> client.finish(forged))
                .isInstanceOf(ClientHandshake.ServerKeyMismatchException.class)
                .hasMessageContaining("does not match the server key in the directory")
                .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo(ErrorCode.HANDSHAKE_FAILED));
    }

    @Test
    void aClientWithAnotherServerKeyInItsDirectoryIsRefusedByTheRealServer() {
        // The initConn is bound to the server key the client believes in; the real server's differs.
        ClientHandshake client = new ClientHandshake(alice, IdentityKeys.generate("server").principal());
        assertFails(() -> server().accept(client.start()), ErrorCode.HANDSHAKE_FAILED,
                "initConn signature does not verify for user 'alice'");
    }

    @Test
    void anInitConnSignedForAnotherServerIsRefused() {
        Principal otherServer = IdentityKeys.generate("server").principal();
        InitConn hello = signedInitConn(alice, "alice", 1, AgreementKeyPair.generate().publicKey().bytes(), otherServer);
        assertFails(() -> server().accept(hello), ErrorCode.HANDSHAKE_FAILED, "initConn signature does not verify");
    }

    @Test
    void anInitConnSignedWithAKeyThatIsNotTheUsersIsRefused() {
        IdentityKeys mallory = new IdentityKeys("alice", SigningKeyPair.generate(), AgreementKeyPair.generate());
        assertFails(() -> server().accept(client(mallory).start()), ErrorCode.HANDSHAKE_FAILED,
                "initConn signature does not verify for user 'alice'");
        // nor does bob's valid key make him alice
        InitConn bobAsAlice = signedInitConn(bob, "alice", 1, AgreementKeyPair.generate().publicKey().bytes(),
                server.principal());
        assertFails(() -> server().accept(bobAsAlice), ErrorCode.HANDSHAKE_FAILED, "does not verify for user 'alice'");
    }

    @Test
    void anUnknownUserIsRefused() {
        IdentityKeys carol = IdentityKeys.generate("carol");
        assertFails(() -> server().accept(client(carol).start()), ErrorCode.UNKNOWN_USER,
                "user 'carol' is not in this server's directory");
    }

    @Test
    void anotherProtocolVersionIsRefusedBothWays() throws Exception {
        InitConn v2 = signedInitConn(alice, "alice", 2, AgreementKeyPair.generate().publicKey().bytes(),
                server.principal());
        assertFails(() -> server().accept(v2), ErrorCode.UNSUPPORTED_VERSION,
                "client speaks protocol version 2, this server speaks 1");

        ClientHandshake client = client(alice);
        InitKey reply = server().accept(client.start());
        InitKey v0 = new InitKey(0, reply.nonce(), reply.ephemeralKey(), reply.signature());
        assertFails(() -> client.finish(v0), ErrorCode.UNSUPPORTED_VERSION, "server speaks protocol version 0");
    }

    // ---------------------------------------------------------------- replay and tampering

    @Test
    void aReplayedInitConnGetsAnInitKeyButTheAttackerCannotConfirm() throws Exception {
        // A recorded session of alice's.
        ClientHandshake client = client(alice);
        InitConn recordedHello = client.start();
        ServerHandshake original = server();
        ClientHandshake.Result result = client.finish(original.accept(recordedHello));
        byte[] recordedConfirmFrame = result.keys().clientSealer().seal(CODEC.encode(result.confirm()));

        // The attacker replays it to a fresh connection and does get an answer...
        ServerHandshake replayed = server();
        InitKey answer = replayed.accept(recordedHello);
        assertThat(server.signing().publicKey().verify(SignedForms.initKey(1, "alice", Transcript.th1(recordedHello),
                answer.nonce(), answer.ephemeralKey()), answer.signature())).isTrue();
        assertThat(replayed.keys().clientToServer()).isNotEqualTo(original.keys().clientToServer());
        FrameOpener opener = replayed.keys().serverOpener();
        // ...but the recorded confirm frame does not decrypt under the new keys,
        assertFails(() -> confirmFrame(replayed, opener, recordedConfirmFrame), ErrorCode.BAD_FRAME,
                "frame 0 failed authentication");
        // and even sealed correctly (which needs alice's ephemeral secret), the old signature covers the old transcript.
        FrameOpener fresh = replayed.keys().serverOpener();
        byte[] resealed = replayed.keys().clientSealer().seal(CODEC.encode(result.confirm()));
        assertFails(() -> confirmFrame(replayed, fresh, resealed), ErrorCode.HANDSHAKE_FAILED,
                "initConfirm signature does not verify for user 'alice'");
    }

    @Test
    void aConfirmSignedOverAnotherTranscriptIsRefused() throws Exception {
        ServerHandshake handshake = server();
        handshake.accept(client(alice).start());
        byte[] otherTranscript = CryptoRandom.bytes(32);
        InitConfirm forged = new InitConfirm(alice.signing().sign(SignedForms.initConfirm("alice", otherTranscript)));
        assertFails(() -> handshake.confirm(forged), ErrorCode.HANDSHAKE_FAILED, "initConfirm signature does not verify");
        // a signature by someone else over the right transcript fails the same way
        InitConfirm byBob = new InitConfirm(bob.signing().sign(new byte[] {1}));
        assertFails(() -> handshake.confirm(byBob), ErrorCode.HANDSHAKE_FAILED, "initConfirm signature does not verify");
    }

    @Test
    void anInitConfirmFromAnotherSessionIsRefused() throws Exception {
        ClientHandshake client1 = client(alice);
        ServerHandshake server1 = server();
        ClientHandshake.Result session1 = client1.finish(server1.accept(client1.start()));
        ClientHandshake client2 = client(alice);
        ServerHandshake server2 = server();
        ClientHandshake.Result session2 = client2.finish(server2.accept(client2.start()));

        // session 1's confirm frame into session 2: does not decrypt
        byte[] frame1 = session1.keys().clientSealer().seal(CODEC.encode(session1.confirm()));
        assertFails(() -> confirmFrame(server2, server2.keys().serverOpener(), frame1), ErrorCode.BAD_FRAME,
                "failed authentication");
        // session 1's confirm message sealed under session 2's keys: the signature is for the other transcript
        byte[] moved = session2.keys().clientSealer().seal(CODEC.encode(session1.confirm()));
        assertFails(() -> confirmFrame(server2, server2.keys().serverOpener(), moved), ErrorCode.HANDSHAKE_FAILED,
                "initConfirm signature does not verify");
        // while session 2's own confirm passes
        byte[] own = session2.keys().clientSealer().seal(CODEC.encode(session2.confirm()));
        assertThat(confirmFrame(server2, server2.keys().serverOpener(), own)).isEqualTo(alice.principal());
    }

    @ParameterizedTest
    @ValueSource(strings = {"nonce", "ephemeralKey", "version", "signature"})
    void aTamperedInitKeyIsDetectedByTheClient(String field) throws Exception {
        ClientHandshake client = client(alice);
        InitKey reply = server().accept(client.start());
        InitKey tampered = switch (field) {
            case "nonce" -> new InitKey(reply.version(), flip(reply.nonce()), reply.ephemeralKey(), reply.signature());
            case "ephemeralKey" -> new InitKey(reply.version(), reply.nonce(),
                    AgreementKeyPair.generate().publicKey().bytes(), reply.signature());
            case "signature" -> new InitKey(reply.version(), reply.nonce(), reply.ephemeralKey(), flip(reply.signature()));
            default -> new InitKey(reply.version() + 1, reply.nonce(), reply.ephemeralKey(), reply.signature());
        };
        assertThatThrownBy(() -> client.finish(tampered))
                .isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(((ProtocolException) e).code())
                        .isIn(ErrorCode.HANDSHAKE_FAILED, ErrorCode.UNSUPPORTED_VERSION));
        if (!field.equals("version")) {
            assertThatThrownBy(() -> client.finish(tampered)).isInstanceOf(ClientHandshake.ServerKeyMismatchException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nonce", "ephemeralKey", "userID", "signature"})
    void aTamperedInitConnIsRefusedByTheServer(String field) throws Exception {
        InitConn hello = client(alice).start();
        InitConn tampered = switch (field) {
            case "nonce" -> new InitConn(hello.version(), hello.userID(), flip(hello.nonce()), hello.ephemeralKey(),
                    hello.signature());
            case "ephemeralKey" -> new InitConn(hello.version(), hello.userID(), hello.nonce(),
                    AgreementKeyPair.generate().publicKey().bytes(), hello.signature());
            case "userID" -> new InitConn(hello.version(), "bob", hello.nonce(), hello.ephemeralKey(), hello.signature());
            default -> new InitConn(hello.version(), hello.userID(), hello.nonce(), hello.ephemeralKey(),
                    flip(hello.signature()));
        };
        assertFails(() -> server().accept(tampered), ErrorCode.HANDSHAKE_FAILED, "initConn signature does not verify");
    }

    @Test
    void aMachineInTheMiddleThatSubstitutesItsOwnEphemeralGetsNoSession() throws Exception {
        // The attacker swaps alice's ephemeral key for its own: the server refuses the signature.
        ClientHandshake client = client(alice);
        InitConn hello = client.start();
        AgreementKeyPair attacker = AgreementKeyPair.generate();
        InitConn swapped = new InitConn(hello.version(), hello.userID(), hello.nonce(),
                attacker.publicKey().bytes(), hello.signature());
        assertFails(() -> server().accept(swapped), ErrorCode.HANDSHAKE_FAILED, "does not verify");
    }

    // ---------------------------------------------------------------- small-order keys

    /** Points whose X25519 product with any clamped scalar is zero (the list libsodium refuses, RFC 7748 section 6.1). */
    static final String[] SMALL_ORDER = {
        "0000000000000000000000000000000000000000000000000000000000000000", // 0
        "0100000000000000000000000000000000000000000000000000000000000000", // 1
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", // order 8
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157", // order 8
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p - 1
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p, a non-canonical 0
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p + 1, a non-canonical 1
    };

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
    void aSmallOrderClientEphemeralIsRefused(int which) {
        byte[] point = HexFormat.of().parseHex(SMALL_ORDER[which]);
        InitConn hello = signedInitConn(alice, "alice", 1, point, server.principal());
        assertFails(() -> server().accept(hello), ErrorCode.HANDSHAKE_FAILED, "client's ephemeral key is invalid");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
    void aSmallOrderServerEphemeralIsRefusedEvenWhenSignedByTheServer(int which) throws Exception {
        byte[] point = HexFormat.of().parseHex(SMALL_ORDER[which]);
        ClientHandshake client = client(alice);
        InitConn hello = client.start();
        byte[] nonce = CryptoRandom.bytes(32);
        byte[] th1 = Transcript.th1(hello);
        InitKey reply = new InitKey(1, nonce, point, server.signing().sign(
                SignedForms.initKey(1, "alice", th1, nonce, point)));
        assertFails(() -> client.finish(reply), ErrorCode.HANDSHAKE_FAILED, "server's ephemeral key is invalid");
    }

    // ---------------------------------------------------------------- misuse

    @Test
    void stepsOutOfOrderAreProgrammingErrors() {
        assertThatThrownBy(() -> client(alice).finish(new InitKey(1, new byte[32], new byte[32], new byte[64])))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> server().confirm(new InitConfirm(new byte[64]))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> server().keys()).isInstanceOf(IllegalStateException.class);
        ClientHandshake client = client(alice);
        client.start();
        assertThatThrownBy(client::start).isInstanceOf(IllegalStateException.class);
    }

    static byte[] flip(byte[] b) {
        byte[] out = b.clone();
        out[0] ^= 1;
        return out;
    }
}
