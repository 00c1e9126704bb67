package chat.protocol.vectors;

import chat.crypto.AesGcm;
import chat.crypto.AgreementKeyPair;
import chat.crypto.Hkdf;
import chat.crypto.MalformedInputException;
import chat.crypto.Sha256;
import chat.crypto.SigningKeyPair;
import chat.protocol.AddUser;
import chat.protocol.ChannelEntry;
import chat.protocol.MemberChange;
import chat.protocol.Rotate;
import chat.protocol.ChainHash;
import chat.protocol.ChannelCrypto;
import chat.protocol.ChannelHead;
import chat.protocol.Comms;
import chat.protocol.Entries;
import chat.protocol.ErrorCode;
import chat.protocol.ErrorMessage;
import chat.protocol.InitConfirm;
import chat.protocol.InitConn;
import chat.protocol.InitKey;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.Ping;
import chat.protocol.Pong;
import chat.protocol.ReplayFinished;
import chat.protocol.SignedForms;
import chat.protocol.Stamp;
import chat.protocol.Sync;
import chat.protocol.View;
import chat.protocol.DirectoryGet;
import chat.protocol.DirectoryUpdate;
import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.DirectoryVersion;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.json.Jcs;
import chat.protocol.json.JsonValue;
import chat.protocol.json.ObjectBuilder;
import chat.protocol.wire.ClientHandshake;
import chat.protocol.wire.FrameSealer;
import chat.protocol.wire.SessionKeys;
import chat.protocol.wire.Transcript;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the golden test vectors (keys.json, handshake.json, channel.json, messages.json,
 * directory.json) that {@link GoldenVectorsTest} verifies and that docs/protocol.md, "Test
 * vectors", describes. Run once and commit the output; the tests never regenerate them.
 *
 * <p>Every secret is derived from a label, {@code SHA-256("chat-v1 test vector " + label)},
 * so keys, nonces and all signatures (Ed25519 is deterministic) come out the same on every
 * run. Only the HPKE encapsulations of the two addUser entries are random (the API draws a
 * fresh HPKE ephemeral key), so a re-run changes those, the signatures over them, and the
 * chain heads after them; so channel.json and messages.json are written only when they do not
 * exist yet, or when {@code --rewrite-random} follows the folder. Every other file comes out
 * byte for byte the same on every run. The handshake is built step by step from the same
 * public pieces the production {@code ClientHandshake}/{@code ServerHandshake} use, so the
 * ephemeral private keys can be recorded.
 *
 * <p>Run from {@code modules/chat.protocol} after {@code mvnw test-compile}, with the
 * jackson-core and bcprov jars from the local Maven repository:
 * <pre>
 * java -cp target/classes:target/test-classes:../chat.crypto/target/classes:JACKSON_CORE_JAR:BCPROV_JAR \
 *      chat.protocol.vectors.VectorGenerator src/test/resources/chat/protocol/vectors [--rewrite-random]
 * </pre>
 */
public final class VectorGenerator {

    static final String CHANNEL = "general";
    static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z, in epoch milliseconds

    private final MessageCodec codec = new MessageCodec();
    private final HexFormat hex = HexFormat.of();

    private final IdentityKeys server;
    private final IdentityKeys alice;
    private final IdentityKeys bob;
    private final IdentityKeys carol;
    private final IdentityKeys admin;

    private final List<JsonValue> messageVectors = new ArrayList<>();

    private VectorGenerator() throws MalformedInputException {
        server = keys("server");
        alice = keys("alice");
        bob = keys("bob");
        carol = keys("carol");
        admin = keys(chat.protocol.identity.UserKeyFile.ADMIN_NAME);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/chat/protocol/vectors");
        Files.createDirectories(dir);
        boolean rewriteRandom = args.length > 1 && args[1].equals("--rewrite-random");
        new VectorGenerator().writeAll(dir, rewriteRandom);
    }

    /** The deterministic 32-byte secret behind {@code label}. */
    public static byte[] secret(String label) {
        return Sha256.hash(("chat-v1 test vector " + label).getBytes(StandardCharsets.US_ASCII));
    }

    public static IdentityKeys keys(String name) throws MalformedInputException {
        return new IdentityKeys(name, SigningKeyPair.fromPrivate(secret(name + " signing")),
                AgreementKeyPair.fromPrivate(secret(name + " agreement")));
    }

    private void writeAll(Path dir, boolean rewriteRandom) throws Exception {
        write(dir.resolve("keys.json"), keysFile());
        write(dir.resolve("handshake.json"), handshakeFile());
        // channel.json and messages.json hold random HPKE encapsulations: keep the committed ones
        JsonValue.JsonObject channel = channelFile();
        JsonValue.JsonObject messages = messagesFile();
        if (rewriteRandom || !Files.exists(dir.resolve("channel.json")) || !Files.exists(dir.resolve("messages.json"))) {
            write(dir.resolve("channel.json"), channel);
            write(dir.resolve("messages.json"), messages);
        }
        write(dir.resolve("directory.json"), directoryFile());
    }

    // ---------------------------------------------------------------- keys.json

    private JsonValue.JsonObject keysFile() {
        return ObjectBuilder.create()
                .put("description", "Long-term keys of the test principals. Each private key is "
                        + "SHA-256(\"chat-v1 test vector <name> signing|agreement\"); the X25519 private key is "
                        + "given unclamped (RFC 7748 clamps it at use).")
                .put("principals", ObjectBuilder.create()
                        .put("server", principal(server))
                        .put("alice", principal(alice))
                        .put("bob", principal(bob)))
                .build();
    }

    private ObjectBuilder principal(IdentityKeys k) {
        return ObjectBuilder.create()
                .put("ed25519Seed", hex.formatHex(k.signing().privateBytes()))
                .put("ed25519Public", hex.formatHex(k.signing().publicKey().bytes()))
                .put("x25519Private", hex.formatHex(k.agreement().privateBytes()))
                .put("x25519Public", hex.formatHex(k.agreement().publicKey().bytes()))
                .put("fingerprint", k.principal().fingerprint());
    }

    // ---------------------------------------------------------------- handshake.json

    private byte[] th2;
    private InitConn initConn;
    private InitKey initKey;
    private InitConfirm initConfirm;
    private byte[] th1;

    private JsonValue.JsonObject handshakeFile() throws MalformedInputException {
        int version = ClientHandshake.VERSION;
        AgreementKeyPair clientEphemeral = AgreementKeyPair.fromPrivate(secret("handshake client ephemeral"));
        AgreementKeyPair serverEphemeral = AgreementKeyPair.fromPrivate(secret("handshake server ephemeral"));
        byte[] clientNonce = secret("handshake client nonce");
        byte[] serverNonce = secret("handshake server nonce");
        byte[] clientEph = clientEphemeral.publicKey().bytes();
        byte[] serverEph = serverEphemeral.publicKey().bytes();

        byte[] initConnForm = SignedForms.initConn(version, alice.name(), clientNonce, clientEph,
                server.signing().publicKey());
        initConn = new InitConn(version, alice.name(), clientNonce, clientEph, alice.signing().sign(initConnForm));
        th1 = Transcript.th1(initConn);

        byte[] initKeyForm = SignedForms.initKey(version, alice.name(), th1, serverNonce, serverEph);
        initKey = new InitKey(version, serverNonce, serverEph, server.signing().sign(initKeyForm));
        th2 = Transcript.th2(th1, initKey);

        byte[] shared = clientEphemeral.agree(serverEphemeral.publicKey());
        if (!Arrays.equals(shared, serverEphemeral.agree(clientEphemeral.publicKey()))) {
            throw new IllegalStateException("X25519 disagrees with itself");
        }
        byte[] prk = Hkdf.extract(th2, shared);
        byte[] c2s = Hkdf.expand(prk, "chat-v1 c2s".getBytes(StandardCharsets.US_ASCII), 32);
        byte[] s2c = Hkdf.expand(prk, "chat-v1 s2c".getBytes(StandardCharsets.US_ASCII), 32);

        byte[] confirmForm = SignedForms.initConfirm(alice.name(), th2);
        initConfirm = new InitConfirm(alice.signing().sign(confirmForm));

        SessionKeys keys = new SessionKeys(c2s.clone(), s2c.clone());
        FrameSealer clientSealer = keys.clientSealer();
        FrameSealer serverSealer = keys.serverSealer();
        List<JsonValue> frames = new ArrayList<>();
        frames.add(frame("c2s", clientSealer, initConfirm));
        frames.add(frame("c2s", clientSealer, new Sync(Map.of())));
        frames.add(frame("s2c", serverSealer, new ReplayFinished(0, Map.of())));
        frames.add(frame("c2s", clientSealer, new Ping()));
        frames.add(frame("s2c", serverSealer, new Pong()));

        message("initConn", initConn, "alice", initConnForm,
                ObjectBuilder.create().put("serverKey", hex.formatHex(server.signing().publicKey().bytes())));
        message("initKey", initKey, "server", initKeyForm,
                ObjectBuilder.create().put("userID", alice.name()).put("th1", hex.formatHex(th1)));
        message("initConfirm", initConfirm, "alice", confirmForm,
                ObjectBuilder.create().put("userID", alice.name()).put("th2", hex.formatHex(th2)));

        return ObjectBuilder.create()
                .put("description", "One complete handshake of alice with the server (keys.json), then the first "
                        + "frames each way. Ephemeral keys and nonces are SHA-256(\"chat-v1 test vector handshake "
                        + "client|server ephemeral|nonce\").")
                .put("version", version)
                .put("client", alice.name())
                .put("clientEphemeralPrivate", hex.formatHex(clientEphemeral.privateBytes()))
                .put("clientEphemeralPublic", hex.formatHex(clientEph))
                .put("clientNonce", hex.formatHex(clientNonce))
                .put("serverEphemeralPrivate", hex.formatHex(serverEphemeral.privateBytes()))
                .put("serverEphemeralPublic", hex.formatHex(serverEph))
                .put("serverNonce", hex.formatHex(serverNonce))
                .put("initConn", signedMessage(initConn, initConnForm))
                .put("th1", hex.formatHex(th1))
                .put("initKey", signedMessage(initKey, initKeyForm))
                .put("th2", hex.formatHex(th2))
                .put("sharedSecret", hex.formatHex(shared))
                .put("prk", hex.formatHex(prk))
                .put("c2sKey", hex.formatHex(c2s))
                .put("s2cKey", hex.formatHex(s2c))
                .put("initConfirm", signedMessage(initConfirm, confirmForm))
                .put("frames", new JsonValue.JsonArray(frames))
                .build();
    }

    private ObjectBuilder signedMessage(Message m, byte[] signedForm) {
        return ObjectBuilder.create()
                .put("signedForm", new String(signedForm, StandardCharsets.UTF_8))
                .put("message", new String(codec.encode(m), StandardCharsets.UTF_8));
    }

    private JsonValue frame(String direction, FrameSealer sealer, Message m) {
        long counter = sealer.count();
        byte[] nonce = new byte[AesGcm.NONCE_LENGTH];
        for (int i = 0; i < 8; i++) {
            nonce[11 - i] = (byte) (counter >>> (8 * i));
        }
        byte[] plaintext = codec.encode(m);
        byte[] ciphertext = sealer.seal(plaintext);
        byte[] wire = new byte[4 + ciphertext.length];
        wire[0] = (byte) (ciphertext.length >>> 24);
        wire[1] = (byte) (ciphertext.length >>> 16);
        wire[2] = (byte) (ciphertext.length >>> 8);
        wire[3] = (byte) ciphertext.length;
        System.arraycopy(ciphertext, 0, wire, 4, ciphertext.length);
        return ObjectBuilder.create()
                .put("direction", direction)
                .put("counter", counter)
                .put("nonce", hex.formatHex(nonce))
                .put("plaintext", new String(plaintext, StandardCharsets.UTF_8))
                .put("ciphertext", hex.formatHex(ciphertext))
                .put("wire", hex.formatHex(wire))
                .build();
    }

    // ---------------------------------------------------------------- channel.json

    private final List<JsonValue> entries = new ArrayList<>();
    private byte[] head;
    private long seq;

    private JsonValue.JsonObject channelFile() throws MalformedInputException {
        byte[] channelKey = secret("channel general key");
        byte[] genesis = ChainHash.genesis(CHANNEL);
        head = genesis;
        seq = 0;

        AddUser create = Entries.addUser(alice.signing(), CHANNEL, 0, "alice", "alice",
                alice.agreement().publicKey(), channelKey, 1, view());
        message("addUser (create, as the client sends it)", create, "alice", SignedForms.addUser(create), null);
        addUserEntry("create", create.withStamp(new Stamp(1, T0)));

        AddUser invite = Entries.addUser(alice.signing(), CHANNEL, 0, "alice", "bob",
                bob.agreement().publicKey(), channelKey, 2, view());
        addUserEntry("invite", invite.withStamp(new Stamp(2, T0 + 1_000)));

        Comms hello = comms(alice, 3, channelKey, "Hello Bob, welcome to #general.", "comms 3 nonce");
        message("comms (as the client sends it)", hello, "alice", SignedForms.comms(hello), null);
        commsEntry(hello.withStamp(new Stamp(3, T0 + 2_000)), channelKey, "Hello Bob, welcome to #general.");

        String reply = "Hi Alice! \"Quoted\"\tand\nescaped \\ / \u00fcn\u00efc\u00f6d\u00e9 \u20ac \ud83d\udc4b";
        Comms answer = comms(bob, 1, channelKey, reply, "comms bob 1 nonce");
        commsEntry(answer.withStamp(new Stamp(4, T0 + 2_000)), channelKey, reply);

        MemberChange promote = Entries.member(alice.signing(), CHANNEL, 0, "alice", "bob", MemberChange.Change.ADMIN,
                4, view());
        memberEntry(promote.withStamp(new Stamp(5, T0 + 3_000)));

        byte[] key1 = secret("channel general key epoch 1");
        Rotate rotate1 = Entries.rotate(alice.signing(), CHANNEL, 1, "alice", Map.of("alice",
                alice.agreement().publicKey(), "bob", bob.agreement().publicKey()), key1, channelKey, 5, view());
        message("rotate (as the client sends it)", rotate1, "alice", SignedForms.entry(rotate1), null);
        rotateEntry(rotate1.withStamp(new Stamp(6, T0 + 4_000)));

        Comms later = comms(alice, 1, 6, key1, "Rotated.", "comms 7 nonce");
        commsEntry(later.withStamp(new Stamp(7, T0 + 5_000)), key1, "Rotated.");

        MemberChange leave = Entries.member(bob.signing(), CHANNEL, 1, "bob", "bob", MemberChange.Change.LEAVE, 2, view());
        message("member (leave, as the client sends it)", leave, "bob", SignedForms.entry(leave), null);
        memberEntry(leave.withStamp(new Stamp(8, T0 + 6_000)));

        byte[] key2 = secret("channel general key epoch 2");
        Rotate rotate2 = Entries.rotate(alice.signing(), CHANNEL, 2, "alice", Map.of("alice",
                alice.agreement().publicKey()), key2, key1, 7, view());
        rotateEntry(rotate2.withStamp(new Stamp(9, T0 + 7_000)));

        MemberChange remove = Entries.member(alice.signing(), CHANNEL, 2, "alice", "bob", MemberChange.Change.REMOVE,
                8, view());
        message("member (remove, as the client sends it; bob has left, so the server refuses it with badSubject)",
                remove, "alice", SignedForms.entry(remove), null);

        return ObjectBuilder.create()
                .put("description", "Channel 'general': alice creates it (epoch 0), invites bob, both write; "
                        + "alice makes bob an admin and rotates to epoch 1, writes, bob leaves, alice rotates to "
                        + "epoch 2. "
                        + "Entries are given as delivered (with channelSeq and timestamp); 'head' is the chain "
                        + "head after the entry. The channel key and comms nonces are derived from labels; the "
                        + "HPKE encapsulations are random.")
                .put("channelID", CHANNEL)
                .put("epoch", 0)
                .put("channelKey", hex.formatHex(channelKey))
                .put("epochKeys", new JsonValue.JsonArray(List.of(new JsonValue.JsonString(hex.formatHex(channelKey)),
                        new JsonValue.JsonString(hex.formatHex(key1)), new JsonValue.JsonString(hex.formatHex(key2)))))
                .put("genesisForm", new String(ObjectBuilder.create().put("purpose", ChainHash.PURPOSE)
                        .put("channelID", CHANNEL).canonical(), StandardCharsets.UTF_8))
                .put("genesis", hex.formatHex(genesis))
                .put("entries", new JsonValue.JsonArray(entries))
                .build();
    }

    private View view() {
        return new View(seq, head);
    }

    private void addUserEntry(String kind, AddUser delivered) {
        byte[] info = ChannelCrypto.keyInfo(delivered.channelID(), delivered.epoch(), delivered.inviter(),
                delivered.invitee());
        message("addUser (" + kind + ", as delivered)", delivered, delivered.inviter(),
                SignedForms.addUser(delivered), null);
        advance(delivered);
        entries.add(ObjectBuilder.create()
                .put("kind", kind)
                .put("author", delivered.inviter())
                .put("recipient", delivered.invitee())
                .put("hpkeInfo", new String(info, StandardCharsets.UTF_8))
                .put("signedForm", new String(SignedForms.addUser(delivered), StandardCharsets.UTF_8))
                .put("message", new String(codec.encode(delivered), StandardCharsets.UTF_8))
                .put("head", hex.formatHex(head))
                .build());
    }

    private Comms comms(IdentityKeys sender, long userSeq, byte[] channelKey, String text, String nonceLabel)
            throws MalformedInputException {
        return comms(sender, 0, userSeq, channelKey, text, nonceLabel);
    }

    private Comms comms(IdentityKeys sender, long epoch, long userSeq, byte[] channelKey, String text, String nonceLabel)
            throws MalformedInputException {
        byte[] nonce = Arrays.copyOf(secret(nonceLabel), AesGcm.NONCE_LENGTH);
        View view = view();
        byte[] aad = ChannelCrypto.commsAad(CHANNEL, epoch, sender.name(), userSeq, view);
        byte[] ct = AesGcm.of(channelKey).seal(nonce, aad, ChannelCrypto.plaintext(text));
        Comms unsigned = new Comms(CHANNEL, epoch, sender.name(), userSeq, view, nonce, ct, new byte[0], null);
        return new Comms(CHANNEL, epoch, sender.name(), userSeq, view, nonce, ct,
                sender.signing().sign(SignedForms.comms(unsigned)), null);
    }

    private void memberEntry(MemberChange delivered) {
        advance(delivered);
        entries.add(ObjectBuilder.create()
                .put("kind", "member")
                .put("author", delivered.userID())
                .put("signedForm", new String(SignedForms.entry(delivered), StandardCharsets.UTF_8))
                .put("message", new String(codec.encode(delivered), StandardCharsets.UTF_8))
                .put("head", hex.formatHex(head))
                .build());
    }

    private void rotateEntry(Rotate delivered) {
        ObjectBuilder infos = ObjectBuilder.create();
        for (String member : delivered.keys().keySet()) {
            infos.put(member, new String(ChannelCrypto.rotateKeyInfo(delivered.channelID(), delivered.epoch(),
                    delivered.userID(), member), StandardCharsets.UTF_8));
        }
        advance(delivered);
        entries.add(ObjectBuilder.create()
                .put("kind", "rotate")
                .put("author", delivered.userID())
                .put("hpkeInfo", infos)
                .put("commitmentForm", new String(ObjectBuilder.create().put("purpose", ChannelCrypto.COMMITMENT_PURPOSE)
                        .put("channelID", delivered.channelID()).put("epoch", delivered.epoch())
                        .put("key", secret("channel general key epoch " + delivered.epoch())).canonical(),
                        StandardCharsets.UTF_8))
                .put("signedForm", new String(SignedForms.entry(delivered), StandardCharsets.UTF_8))
                .put("message", new String(codec.encode(delivered), StandardCharsets.UTF_8))
                .put("head", hex.formatHex(head))
                .build());
    }

    private void commsEntry(Comms delivered, byte[] channelKey, String text) {
        byte[] aad = ChannelCrypto.commsAad(delivered.channelID(), delivered.epoch(), delivered.userID(),
                delivered.userSeq(), delivered.view());
        if (delivered.userID().equals("bob")) {
            message("comms (as delivered)", delivered, "bob", SignedForms.comms(delivered), null);
        }
        advance(delivered);
        entries.add(ObjectBuilder.create()
                .put("kind", "comms")
                .put("author", delivered.userID())
                .put("text", text)
                .put("plaintext", new String(ChannelCrypto.plaintext(text), StandardCharsets.UTF_8))
                .put("aad", new String(aad, StandardCharsets.UTF_8))
                .put("signedForm", new String(SignedForms.comms(delivered), StandardCharsets.UTF_8))
                .put("message", new String(codec.encode(delivered), StandardCharsets.UTF_8))
                .put("head", hex.formatHex(head))
                .build());
    }

    private void advance(ChannelEntry delivered) {
        head = ChainHash.next(head, delivered);
        seq++;
    }

    // ---------------------------------------------------------------- messages.json

    private void message(String name, Message m, String signer, byte[] signedForm, ObjectBuilder context) {
        ObjectBuilder b = ObjectBuilder.create()
                .put("name", name)
                .put("type", m.type())
                .put("json", MessageCodec.toJson(m))
                .put("canonical", new String(codec.encode(m), StandardCharsets.UTF_8));
        if (signer != null) {
            b.put("signer", signer).put("signedForm", new String(signedForm, StandardCharsets.UTF_8));
        }
        if (context != null) {
            b.put("context", context);
        }
        messageVectors.add(b.build());
    }

    private JsonValue.JsonObject messagesFile() {
        message("sync", new Sync(Map.of(CHANNEL, 2L)), null, null, null);
        message("sync (first login: no cursors)", new Sync(Map.of()), null, null, null);
        message("replayFinished", new ReplayFinished(3, Map.of(CHANNEL, new ChannelHead(seq, head))), null, null, null);
        message("error (staleUserSeq)", new ErrorMessage(ErrorCode.STALE_USER_SEQ,
                "userSeq 2 is not greater than 3", CHANNEL, 2L, 3L), null, null, null);
        message("error (badFrame)", ErrorMessage.of(ErrorCode.BAD_FRAME, "frame of 5242880 bytes exceeds the limit of 1048576"),
                null, null, null);
        message("ping", new Ping(), null, null, null);
        message("pong", new Pong(), null, null, null);
        return ObjectBuilder.create()
                .put("description", "One or more instances of every message type: 'json' is the message, "
                        + "'canonical' its exact wire text (RFC 8785). Signed messages name their signer (keys.json) "
                        + "and give the exact signed form; 'context' holds the values a signed form needs that the "
                        + "message does not carry.")
                .put("messages", new JsonValue.JsonArray(messageVectors))
                .build();
    }

    // ---------------------------------------------------------------- directory.json

    private JsonValue.JsonObject directoryFile() throws Exception {
        DirectoryLog log = DirectoryLog.genesis(admin, server.principal(),
                Map.of("alice", alice.principal(), "bob", bob.principal()), T0);
        log = log.sign(admin, Map.of("carol", carol.principal()), Set.of(), T0 + 60_000);
        log = log.sign(admin, Map.of(), Set.of("bob"), T0 + 120_000);

        List<JsonValue> versions = new ArrayList<>();
        for (DirectoryVersion v : log.versions()) {
            versions.add(ObjectBuilder.create()
                    .put("number", v.number())
                    .put("version", new String(Jcs.canonical(v.toJson()), StandardCharsets.UTF_8))
                    .put("signedForm", new String(v.signedForm(), StandardCharsets.UTF_8))
                    .put("signature", hex.formatHex(v.signature()))
                    .put("headForm", new String(ObjectBuilder.create().put("purpose", DirectoryVersion.HEAD_PURPOSE)
                            .put("version", v.toJson()).canonical(), StandardCharsets.UTF_8))
                    .put("head", hex.formatHex(v.head()))
                    .build());
        }
        List<JsonValue> messages = new ArrayList<>();
        for (Message m : List.of(new DirectoryGet(2), new DirectoryUpdate(log.versionsFrom(2)))) {
            messages.add(ObjectBuilder.create()
                    .put("name", m instanceof DirectoryGet ? "directoryGet (the client holds version 2)"
                            : "directory (the answer: versions 2 and 3)")
                    .put("type", m.type())
                    .put("json", MessageCodec.toJson(m))
                    .put("canonical", new String(codec.encode(m), StandardCharsets.UTF_8))
                    .build());
        }
        return ObjectBuilder.create()
                .put("description", "A directory log of three versions signed by the admin key: version 1 names the "
                        + "admin key and the server (keys.json) and adds alice and bob; version 2 adds carol; version 3 "
                        + "revokes bob. The admin's and carol's private keys are SHA-256(\"chat-v1 test vector "
                        + "admin|carol signing|agreement\"). For each version: 'version' is its canonical JSON, "
                        + "'signedForm' what the admin signs (UTF-8), 'signature' the Ed25519 signature, 'headForm' "
                        + "the canonical JSON whose SHA-256 is 'head'. 'file' is the directory.json holding the log; "
                        + "'messages' a directoryGet and the directory message answering it.")
                .put("admin", principal(admin))
                .put("carol", principal(carol))
                .put("versions", new JsonValue.JsonArray(versions))
                .put("file", log.toJson())
                .put("messages", new JsonValue.JsonArray(messages))
                .build();
    }

    // ---------------------------------------------------------------- output

    private static void write(Path file, JsonValue.JsonObject content) throws IOException {
        StringBuilder out = new StringBuilder();
        pretty(content, out, 0);
        out.append('\n');
        Files.writeString(file, out, StandardCharsets.UTF_8);
    }

    /** Indented JSON in insertion order, strings escaped exactly as RFC 8785 does. */
    private static void pretty(JsonValue value, StringBuilder out, int depth) {
        String indent = "  ".repeat(depth + 1);
        switch (value) {
            case JsonValue.JsonObject o -> {
                if (o.fields().isEmpty()) {
                    out.append("{}");
                    return;
                }
                out.append("{\n");
                int i = 0;
                for (Map.Entry<String, JsonValue> e : o.fields().entrySet()) {
                    out.append(indent).append(Jcs.canonicalString(JsonValue.of(e.getKey()))).append(": ");
                    pretty(e.getValue(), out, depth + 1);
                    out.append(++i < o.fields().size() ? ",\n" : "\n");
                }
                out.append("  ".repeat(depth)).append('}');
            }
            case JsonValue.JsonArray a -> {
                out.append("[\n");
                for (int i = 0; i < a.elements().size(); i++) {
                    out.append(indent);
                    pretty(a.elements().get(i), out, depth + 1);
                    out.append(i + 1 < a.elements().size() ? ",\n" : "\n");
                }
                out.append("  ".repeat(depth)).append(']');
            }
            default -> out.append(Jcs.canonicalString(value));
        }
    }
}
