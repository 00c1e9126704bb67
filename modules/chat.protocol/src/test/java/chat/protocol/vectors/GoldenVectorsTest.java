package chat.protocol.vectors;

import static chat.protocol.vectors.Vectors.hex;
import static chat.protocol.vectors.Vectors.objects;
import static chat.protocol.vectors.Vectors.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.crypto.AesGcm;
import chat.crypto.AgreementKeyPair;
import chat.crypto.AgreementPublicKey;
import chat.crypto.CryptoException;
import chat.crypto.Hkdf;
import chat.crypto.Sha256;
import chat.crypto.SigningKeyPair;
import chat.crypto.SigningPublicKey;
import chat.protocol.AddUser;
import chat.protocol.ChannelEntry;
import chat.protocol.MemberChange;
import chat.protocol.Rotate;
import chat.protocol.ChainHash;
import chat.protocol.ChannelCrypto;
import chat.protocol.Comms;
import chat.protocol.Entries;
import chat.protocol.ErrorCode;
import chat.protocol.InitConfirm;
import chat.protocol.InitConn;
import chat.protocol.InitKey;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.ProtocolException;
import chat.protocol.ReplayFinished;
import chat.protocol.SignedForms;
import chat.protocol.DirectoryGet;
import chat.protocol.DirectoryUpdate;
import chat.protocol.identity.Directory;
import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.DirectoryVersion;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.json.Jcs;
import chat.protocol.json.JsonException;
import chat.protocol.json.JsonParser;
import chat.protocol.json.JsonValue;
import chat.protocol.json.ObjectReader;
import chat.protocol.wire.FrameOpener;
import chat.protocol.wire.FrameReader;
import chat.protocol.wire.ServerHandshake;
import chat.protocol.wire.SessionKeys;
import chat.protocol.wire.Transcript;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Verifies the committed golden vectors (written once by {@link VectorGenerator}) with the
 * production code, using only what the module exports, as a third-party implementation
 * would: canonical bytes, signatures, transcript hashes, the key schedule, the first
 * encrypted frames, channel key unwrapping, message decryption, the hash chain and the
 * signed directory log.
 * docs/protocol.md, "Test vectors", describes the files.
 */
class GoldenVectorsTest {

    static final MessageCodec CODEC = new MessageCodec();
    static final ObjectReader KEYS = Vectors.load("keys.json");
    static final ObjectReader HANDSHAKE = Vectors.load("handshake.json");
    static final ObjectReader CHANNEL = Vectors.load("channel.json");
    static final ObjectReader MESSAGES = Vectors.load("messages.json");
    static final ObjectReader DIRECTORY = Vectors.load("directory.json");

    static IdentityKeys keys(String name) throws Exception {
        ObjectReader p = KEYS.object("principals").object(name);
        return new IdentityKeys(name, SigningKeyPair.fromPrivate(hex(p, "ed25519Seed")),
                AgreementKeyPair.fromPrivate(hex(p, "x25519Private")));
    }

    static SigningPublicKey signingKey(String name) throws Exception {
        return SigningPublicKey.of(hex(KEYS.object("principals").object(name), "ed25519Public"));
    }

    static Message decode(String canonical) throws ProtocolException {
        return CODEC.decode(canonical.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- keys.json

    @ParameterizedTest
    @MethodSource("principals")
    void publicKeysAndFingerprintsFollowFromThePrivateKeys(String name) throws Exception {
        ObjectReader p = KEYS.object("principals").object(name);
        IdentityKeys k = keys(name);
        assertThat(k.signing().publicKey().bytes()).isEqualTo(hex(p, "ed25519Public"));
        assertThat(k.agreement().publicKey().bytes()).isEqualTo(hex(p, "x25519Public"));
        assertThat(k.principal().fingerprint()).isEqualTo(p.string("fingerprint"));
        assertThat(hex(p, "ed25519Seed")).isEqualTo(VectorGenerator.secret(name + " signing"));
    }

    static Stream<String> principals() throws JsonException {
        return KEYS.object("principals").names().stream();
    }

    // ---------------------------------------------------------------- messages.json

    /** messages.json, and the directory messages of directory.json. */
    static List<ObjectReader> allMessages() throws JsonException {
        List<ObjectReader> all = new ArrayList<>(objects(MESSAGES, "messages"));
        all.addAll(objects(DIRECTORY, "messages"));
        return all;
    }

    static Stream<Named<ObjectReader>> messageVectors() throws JsonException {
        return allMessages().stream().map(r -> Named.of(name(r), r));
    }

    static Stream<Named<ObjectReader>> signedMessageVectors() throws JsonException {
        return objects(MESSAGES, "messages").stream().filter(r -> r.has("signer")).map(r -> Named.of(name(r), r));
    }

    static String name(ObjectReader r) {
        try {
            return r.string("name");
        } catch (JsonException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @MethodSource("messageVectors")
    void canonicalTextIsTheJcsOfTheJsonAndDecodesToAMessageThatReencodesToTheSameBytes(ObjectReader v)
            throws Exception {
        byte[] canonical = utf8(v, "canonical");
        assertThat(Jcs.canonical(v.object("json").raw())).isEqualTo(canonical);

        Message m = CODEC.decode(canonical);
        assertThat(m.type()).isEqualTo(v.string("type"));
        assertThat(CODEC.encode(m)).isEqualTo(canonical);
        assertThat(Jcs.canonical(JsonParser.withDefaults().parseObject(canonical))).isEqualTo(canonical);
    }

    @ParameterizedTest
    @MethodSource("signedMessageVectors")
    void signedFormsAreRecomputedExactlyAndTheSignaturesVerifyWithTheSignersKey(ObjectReader v) throws Exception {
        byte[] form = utf8(v, "signedForm");
        Message m = decode(v.string("canonical"));
        byte[] recomputed = switch (m) {
            case InitConn c -> SignedForms.initConn(c.version(), c.userID(), c.nonce(), c.ephemeralKey(),
                    SigningPublicKey.of(hex(v.object("context"), "serverKey")));
            case InitKey k -> SignedForms.initKey(k.version(), v.object("context").string("userID"),
                    hex(v.object("context"), "th1"), k.nonce(), k.ephemeralKey());
            case InitConfirm c -> SignedForms.initConfirm(v.object("context").string("userID"),
                    hex(v.object("context"), "th2"));
            case ChannelEntry c -> SignedForms.entry(c);
            default -> throw new AssertionError(m.type() + " is not signed");
        };
        assertThat(new String(recomputed, StandardCharsets.UTF_8)).isEqualTo(v.string("signedForm"));
        assertThat(signingKey(v.string("signer")).verify(form, signature(m))).isTrue();
        assertThat(signingKey(v.string("signer").equals("server") ? "alice" : "server").verify(form, signature(m)))
                .isFalse();
    }

    static byte[] signature(Message m) {
        return switch (m) {
            case InitConn c -> c.signature();
            case InitKey k -> k.signature();
            case InitConfirm c -> c.signature();
            case ChannelEntry c -> c.signature();
            default -> throw new AssertionError(m.type() + " is not signed");
        };
    }

    @Test
    void theCatalogueHasEveryMessageType() throws Exception {
        Set<String> types = new HashSet<>();
        for (ObjectReader v : allMessages()) {
            types.add(v.string("type"));
        }
        assertThat(types).containsExactlyInAnyOrder("initConn", "initKey", "initConfirm", "sync", "replayFinished",
                "addUser", "comms", "member", "rotate", "error", "ping", "pong", "directoryGet", "directory");
        // both kinds of addUser, an entry with and without its stamp, an error with every optional field
        assertThat(objects(MESSAGES, "messages")).extracting(GoldenVectorsTest::name).contains(
                "addUser (create, as the client sends it)", "addUser (invite, as delivered)",
                "comms (as the client sends it)", "comms (as delivered)", "error (staleUserSeq)");
    }

    // ---------------------------------------------------------------- handshake.json

    @Test
    void initConnIsSignedByTheUserOverTheServerKey() throws Exception {
        InitConn hello = (InitConn) decode(HANDSHAKE.object("initConn").string("message"));
        assertThat(hello.userID()).isEqualTo(HANDSHAKE.string("client"));
        assertThat(hello.nonce()).isEqualTo(hex(HANDSHAKE, "clientNonce"));
        assertThat(hello.ephemeralKey()).isEqualTo(hex(HANDSHAKE, "clientEphemeralPublic"));
        byte[] form = SignedForms.initConn(hello.version(), hello.userID(), hello.nonce(), hello.ephemeralKey(),
                signingKey("server"));
        assertThat(form).isEqualTo(utf8(HANDSHAKE.object("initConn"), "signedForm"));
        assertThat(signingKey("alice").verify(form, hello.signature())).isTrue();
    }

    @Test
    void transcriptHashesAreShaOfTheCanonicalMessages() throws Exception {
        byte[] initConnBytes = utf8(HANDSHAKE.object("initConn"), "message");
        byte[] initKeyBytes = utf8(HANDSHAKE.object("initKey"), "message");
        byte[] th1 = Sha256.hash(initConnBytes);
        byte[] th2 = Sha256.hash(th1, initKeyBytes);

        assertThat(th1).isEqualTo(hex(HANDSHAKE, "th1"));
        assertThat(th2).isEqualTo(hex(HANDSHAKE, "th2"));
        InitConn hello = (InitConn) CODEC.decode(initConnBytes);
        InitKey reply = (InitKey) CODEC.decode(initKeyBytes);
        assertThat(Transcript.th1(hello)).isEqualTo(th1);
        assertThat(Transcript.th2(th1, reply)).isEqualTo(th2);
    }

    @Test
    void initKeyIsSignedByTheServerOverTh1AndItsFreshValues() throws Exception {
        InitKey reply = (InitKey) decode(HANDSHAKE.object("initKey").string("message"));
        assertThat(reply.nonce()).isEqualTo(hex(HANDSHAKE, "serverNonce"));
        assertThat(reply.ephemeralKey()).isEqualTo(hex(HANDSHAKE, "serverEphemeralPublic"));
        byte[] form = SignedForms.initKey(reply.version(), "alice", hex(HANDSHAKE, "th1"), reply.nonce(),
                reply.ephemeralKey());
        assertThat(form).isEqualTo(utf8(HANDSHAKE.object("initKey"), "signedForm"));
        assertThat(signingKey("server").verify(form, reply.signature())).isTrue();
    }

    @Test
    void bothSidesComputeTheSameSharedSecretAndSessionKeys() throws Exception {
        AgreementKeyPair client = AgreementKeyPair.fromPrivate(hex(HANDSHAKE, "clientEphemeralPrivate"));
        AgreementKeyPair server = AgreementKeyPair.fromPrivate(hex(HANDSHAKE, "serverEphemeralPrivate"));
        assertThat(client.publicKey().bytes()).isEqualTo(hex(HANDSHAKE, "clientEphemeralPublic"));
        assertThat(server.publicKey().bytes()).isEqualTo(hex(HANDSHAKE, "serverEphemeralPublic"));

        byte[] shared = client.agree(AgreementPublicKey.of(hex(HANDSHAKE, "serverEphemeralPublic")));
        assertThat(shared).isEqualTo(hex(HANDSHAKE, "sharedSecret"))
                .isEqualTo(server.agree(AgreementPublicKey.of(hex(HANDSHAKE, "clientEphemeralPublic"))));

        // The key schedule exactly as Transcript documents it (RFC 5869 HKDF-SHA256).
        byte[] prk = Hkdf.extract(hex(HANDSHAKE, "th2"), shared);
        assertThat(prk).isEqualTo(hex(HANDSHAKE, "prk"));
        assertThat(Hkdf.expand(prk, "chat-v1 c2s".getBytes(StandardCharsets.US_ASCII), 32))
                .isEqualTo(hex(HANDSHAKE, "c2sKey"));
        assertThat(Hkdf.expand(prk, "chat-v1 s2c".getBytes(StandardCharsets.US_ASCII), 32))
                .isEqualTo(hex(HANDSHAKE, "s2cKey"));
    }

    @Test
    void initConfirmIsTheUsersSignatureOverTh2() throws Exception {
        InitConfirm confirm = (InitConfirm) decode(HANDSHAKE.object("initConfirm").string("message"));
        byte[] form = SignedForms.initConfirm("alice", hex(HANDSHAKE, "th2"));
        assertThat(form).isEqualTo(utf8(HANDSHAKE.object("initConfirm"), "signedForm"));
        assertThat(signingKey("alice").verify(form, confirm.signature())).isTrue();
    }

    @Test
    void theFramesDecryptInOrderWithTheirDirectionsKeyAndCounterNonce() throws Exception {
        SessionKeys keys = new SessionKeys(hex(HANDSHAKE, "c2sKey"), hex(HANDSHAKE, "s2cKey"));
        FrameOpener atServer = keys.serverOpener();
        FrameOpener atClient = keys.clientOpener();
        List<ObjectReader> frames = objects(HANDSHAKE, "frames");
        assertThat(frames.getFirst().string("plaintext"))
                .isEqualTo(HANDSHAKE.object("initConfirm").string("message"));
        assertThat(frames.getFirst().integer("counter")).isZero();
        for (ObjectReader f : frames) {
            boolean c2s = f.string("direction").equals("c2s");
            byte[] key = hex(HANDSHAKE, c2s ? "c2sKey" : "s2cKey");
            byte[] nonce = new byte[12];
            ByteBuffer.wrap(nonce, 4, 8).putLong(f.integer("counter"));
            assertThat(nonce).isEqualTo(hex(f, "nonce"));

            // The raw construction: AES-256-GCM, counter nonce, no associated data.
            assertThat(AesGcm.of(key).open(nonce, new byte[0], hex(f, "ciphertext"))).isEqualTo(utf8(f, "plaintext"));
            // The same through the framing layer and the production openers, which count for themselves.
            byte[] payload = new FrameReader(new ByteArrayInputStream(hex(f, "wire")), 1 << 20).read();
            assertThat(payload).isEqualTo(hex(f, "ciphertext"));
            assertThat((c2s ? atServer : atClient).open(payload)).isEqualTo(utf8(f, "plaintext"));
            assertThat(CODEC.encode(CODEC.decode(utf8(f, "plaintext")))).isEqualTo(utf8(f, "plaintext"));
        }
    }

    @Test
    void theProductionServerAcceptsTheRecordedInitConnButNotItsRecordedConfirm() throws Exception {
        IdentityKeys server = keys("server");
        Directory directory = new Directory(server.principal(), Map.of("alice", keys("alice").principal(),
                "bob", keys("bob").principal()));
        ServerHandshake handshake = new ServerHandshake(server, directory);
        InitKey fresh = handshake.accept((InitConn) decode(HANDSHAKE.object("initConn").string("message")));

        // The server answers with fresh values, so a recorded initConn replays into a new transcript...
        assertThat(fresh.nonce()).isNotEqualTo(hex(HANDSHAKE, "serverNonce"));
        // ...where neither the recorded first frame decrypts nor the recorded signature verifies.
        byte[] recordedFrame = hex(objects(HANDSHAKE, "frames").getFirst(), "ciphertext");
        assertThatThrownBy(() -> handshake.keys().serverOpener().open(recordedFrame))
                .isInstanceOf(ProtocolException.class)
                .extracting(e -> ((ProtocolException) e).code()).isEqualTo(ErrorCode.BAD_FRAME);
        InitConfirm recorded = (InitConfirm) decode(HANDSHAKE.object("initConfirm").string("message"));
        assertThatThrownBy(() -> handshake.confirm(recorded))
                .isInstanceOf(ProtocolException.class)
                .extracting(e -> ((ProtocolException) e).code()).isEqualTo(ErrorCode.HANDSHAKE_FAILED);
    }

    // ---------------------------------------------------------------- channel.json

    @Test
    void genesisIsTheHashOfTheCanonicalGenesisForm() throws Exception {
        String channel = CHANNEL.string("channelID");
        assertThat(Sha256.hash(utf8(CHANNEL, "genesisForm"))).isEqualTo(hex(CHANNEL, "genesis"));
        assertThat(ChainHash.genesis(channel)).isEqualTo(hex(CHANNEL, "genesis"));
    }

    @Test
    void everyEntryVerifiesDecryptsAndChains() throws Exception {
        String channel = CHANNEL.string("channelID");
        List<byte[]> epochKeys = new ArrayList<>();
        for (JsonValue k : CHANNEL.array("epochKeys").elements()) {
            epochKeys.add(HexFormat.of().parseHex(((JsonValue.JsonString) k).value()));
        }
        assertThat(epochKeys.getFirst()).isEqualTo(hex(CHANNEL, "channelKey"));
        byte[] head = hex(CHANNEL, "genesis");
        long seq = 0;
        for (ObjectReader e : objects(CHANNEL, "entries")) {
            byte[] canonical = utf8(e, "message");
            ChannelEntry m = (ChannelEntry) CODEC.decode(canonical);
            byte[] channelKey = epochKeys.get((int) m.epoch());
            assertThat(CODEC.encode(m)).isEqualTo(canonical);
            String author = e.string("author");
            assertThat(m.author()).isEqualTo(author);
            switch (m) {
                case AddUser a -> {
                    assertThat(a.invitee()).isEqualTo(e.string("recipient"));
                    assertThat(ChannelCrypto.keyInfo(a.channelID(), a.epoch(), a.inviter(), a.invitee()))
                            .isEqualTo(utf8(e, "hpkeInfo"));
                    assertThat(SignedForms.addUser(a)).isEqualTo(utf8(e, "signedForm"));
                    assertThat(Entries.verify(a, signingKey(author))).isTrue();
                    assertThat(ChannelCrypto.unwrapKey(a, keys(a.invitee()).agreement())).isEqualTo(channelKey);
                    String other = a.invitee().equals("alice") ? "bob" : "alice";
                    assertThatThrownBy(() -> ChannelCrypto.unwrapKey(a, keys(other).agreement()))
                            .isInstanceOf(CryptoException.class);
                }
                case Comms c -> {
                    byte[] aad = ChannelCrypto.commsAad(c.channelID(), c.epoch(), c.userID(), c.userSeq(), c.view());
                    assertThat(aad).isEqualTo(utf8(e, "aad"));
                    assertThat(ChannelCrypto.plaintext(e.string("text"))).isEqualTo(utf8(e, "plaintext"));
                    // deterministic given the nonce: a third party can check its encryption, not only ours
                    assertThat(AesGcm.of(channelKey).seal(c.nonce(), aad, utf8(e, "plaintext"))).isEqualTo(c.ct());
                    assertThat(ChannelCrypto.openText(channelKey, c)).isEqualTo(e.string("text"));
                    assertThat(SignedForms.comms(c)).isEqualTo(utf8(e, "signedForm"));
                    assertThat(Entries.verify(c, signingKey(author))).isTrue();
                }
                case MemberChange c -> {
                    assertThat(SignedForms.entry(c)).isEqualTo(utf8(e, "signedForm"));
                    assertThat(Entries.verify(c, signingKey(author))).isTrue();
                    assertThat(Entries.verify(c, signingKey(author.equals("alice") ? "bob" : "alice"))).isFalse();
                }
                case Rotate r -> {
                    assertThat(SignedForms.entry(r)).isEqualTo(utf8(e, "signedForm"));
                    assertThat(Entries.verify(r, signingKey(author))).isTrue();
                    assertThat(Sha256.hash(utf8(e, "commitmentForm"))).isEqualTo(r.keyCommitment());
                    assertThat(ChannelCrypto.commitment(channel, r.epoch(), channelKey)).isEqualTo(r.keyCommitment());
                    for (String member : r.keys().keySet()) {
                        assertThat(ChannelCrypto.rotateKeyInfo(channel, r.epoch(), r.userID(), member))
                                .isEqualTo(e.object("hpkeInfo").string(member).getBytes(StandardCharsets.UTF_8));
                        assertThat(ChannelCrypto.unwrapKey(r, member, keys(member).agreement())).isEqualTo(channelKey);
                    }
                    assertThat(ChannelCrypto.openPrevious(channelKey, r)).isEqualTo(epochKeys.get((int) r.epoch() - 1));
                }
            }
            // Every entry names the newest entry its author had seen: here always the one before it.
            assertThat(viewSeq(m)).isEqualTo(seq);
            assertThat(viewHead(m)).isEqualTo(head);

            byte[] next = Sha256.hash(head, canonical);
            assertThat(ChainHash.next(head, m)).isEqualTo(next);
            assertThat(ChainHash.next(head, canonical)).isEqualTo(next);
            assertThat(next).isEqualTo(hex(e, "head"));
            head = next;
            seq++;
            assertThat(stampSeq(m)).isEqualTo(seq);
        }
        assertThat(seq).isEqualTo(9);
    }

    static long viewSeq(ChannelEntry m) {
        return m.view().seq();
    }

    static byte[] viewHead(ChannelEntry m) {
        return m.view().head();
    }

    static long stampSeq(ChannelEntry m) {
        return m.stamp().channelSeq();
    }

    @Test
    void theReplayFinishedVectorClaimsTheChannelsLastHead() throws Exception {
        List<ObjectReader> entries = objects(CHANNEL, "entries");
        byte[] lastHead = hex(entries.getLast(), "head");
        for (ObjectReader v : objects(MESSAGES, "messages")) {
            if (v.string("type").equals("replayFinished")) {
                ReplayFinished r = (ReplayFinished) decode(v.string("canonical"));
                assertThat(r.heads().get("general").seq()).isEqualTo(entries.size());
                assertThat(r.heads().get("general").head()).isEqualTo(lastHead);
            }
        }
    }

    // ---------------------------------------------------------------- directory.json

    @TempDir
    Path temp;

    static IdentityKeys directoryKeys(String name) throws Exception {
        ObjectReader p = DIRECTORY.object(name);
        return new IdentityKeys(name, SigningKeyPair.fromPrivate(hex(p, "ed25519Seed")),
                AgreementKeyPair.fromPrivate(hex(p, "x25519Private")));
    }

    @Test
    void theAdminAndCarolKeysFollowFromTheirSeeds() throws Exception {
        for (String name : List.of("admin", "carol")) {
            ObjectReader p = DIRECTORY.object(name);
            IdentityKeys k = directoryKeys(name);
            assertThat(hex(p, "ed25519Seed")).isEqualTo(VectorGenerator.secret(name + " signing"));
            assertThat(k.signing().publicKey().bytes()).isEqualTo(hex(p, "ed25519Public"));
            assertThat(k.agreement().publicKey().bytes()).isEqualTo(hex(p, "x25519Public"));
            assertThat(k.principal().fingerprint()).isEqualTo(p.string("fingerprint"));
        }
    }

    @Test
    void everyDirectoryVersionHasItsSignedFormSignatureAndHead() throws Exception {
        SigningPublicKey admin = SigningPublicKey.of(hex(DIRECTORY.object("admin"), "ed25519Public"));
        byte[] previous = new byte[32];
        long number = 0;
        for (ObjectReader e : objects(DIRECTORY, "versions")) {
            byte[] canonical = utf8(e, "version");
            JsonValue.JsonObject json = JsonParser.withDefaults().parseObject(canonical);
            assertThat(Jcs.canonical(json)).isEqualTo(canonical);
            DirectoryVersion v = DirectoryVersion.fromJson(json);
            assertThat(v.number()).isEqualTo(++number).isEqualTo(e.integer("number"));
            assertThat(Jcs.canonical(v.toJson())).isEqualTo(canonical);
            assertThat(v.previous()).isEqualTo(previous);

            // the signed form: every field but the signature, plus the purpose, canonical
            java.util.Map<String, JsonValue> unsigned = new java.util.LinkedHashMap<>(json.fields());
            unsigned.remove("signature");
            unsigned.put("purpose", JsonValue.of("chat-v1/directory"));
            assertThat(Jcs.canonical(new JsonValue.JsonObject(unsigned))).isEqualTo(utf8(e, "signedForm"));
            assertThat(v.signedForm()).isEqualTo(utf8(e, "signedForm"));
            assertThat(v.signature()).isEqualTo(hex(e, "signature"));
            assertThat(admin.verify(utf8(e, "signedForm"), hex(e, "signature"))).isTrue();
            assertThat(signingKey("server").verify(utf8(e, "signedForm"), hex(e, "signature"))).isFalse();
            assertThat(admin.verify(canonical, hex(e, "signature"))).isFalse();

            // the head: SHA-256 of {"purpose": "chat-v1/directory-head", "version": <the whole version>}
            assertThat(utf8(e, "headForm")).isEqualTo(("{\"purpose\":\"chat-v1/directory-head\",\"version\":"
                    + e.string("version") + "}").getBytes(StandardCharsets.UTF_8));
            assertThat(Sha256.hash(utf8(e, "headForm"))).isEqualTo(hex(e, "head"));
            assertThat(v.head()).isEqualTo(hex(e, "head"));
            previous = hex(e, "head");
        }
        assertThat(number).isEqualTo(3);
    }

    @Test
    void theDirectoryFileIsTheLogAndVerifies() throws Exception {
        List<DirectoryVersion> versions = new ArrayList<>();
        for (ObjectReader e : objects(DIRECTORY, "versions")) {
            versions.add(DirectoryVersion.fromJson(JsonParser.withDefaults().parseObject(utf8(e, "version"))));
        }
        DirectoryLog log = DirectoryLog.of(versions);
        List<ObjectReader> entries = objects(DIRECTORY, "versions");
        assertThat(log.head()).isEqualTo(hex(entries.getLast(), "head"));
        assertThat(log.admin().bytes()).isEqualTo(hex(DIRECTORY.object("admin"), "ed25519Public"));
        assertThat(log.server()).isEqualTo(keys("server").principal());
        assertThat(log.current().users()).containsOnlyKeys("alice", "carol");
        assertThat(log.current().user("alice")).contains(keys("alice").principal());
        assertThat(log.current().user("carol")).contains(directoryKeys("carol").principal());
        assertThat(log.isRevoked("bob")).isTrue();
        assertThat(log.revocation("bob")).map(DirectoryVersion::number).contains(3L);

        // the file as a bundle holds it: format chat-directory version 2, the versions under "log"
        ObjectReader file = DIRECTORY.object("file");
        assertThat(file.string("format")).isEqualTo("chat-directory");
        assertThat(file.integer("version")).isEqualTo(2);
        assertThat(log.toJson()).isEqualTo(file.raw());
        Path path = temp.resolve("directory.json");
        Files.write(path, Jcs.canonical(file.raw()));
        assertThat(DirectoryLog.load(path).head()).isEqualTo(log.head());

        // signed by anyone else, the same log is refused
        IdentityKeys other = keys("alice");
        DirectoryVersion first = versions.getFirst();
        assertThatThrownBy(() -> DirectoryLog.of(List.of(first.withSignature(other.signing().sign(first.signedForm())))))
                .hasMessageContaining("directory version 1 is not signed by the admin key it names");
    }

    @Test
    void theDirectoryMessagesAskFromAndAnswerWithTheHeldVersion() throws Exception {
        List<ObjectReader> messages = objects(DIRECTORY, "messages");
        DirectoryGet get = (DirectoryGet) decode(messages.get(0).string("canonical"));
        DirectoryUpdate answer = (DirectoryUpdate) decode(messages.get(1).string("canonical"));
        assertThat(answer.versions().getFirst().number()).isEqualTo(get.number());
        List<DirectoryVersion> versions = new ArrayList<>();
        for (ObjectReader e : objects(DIRECTORY, "versions")) {
            versions.add(DirectoryVersion.fromJson(JsonParser.withDefaults().parseObject(utf8(e, "version"))));
        }
        DirectoryLog held = DirectoryLog.of(versions.subList(0, (int) get.number()));
        DirectoryLog.Reconciled r = held.reconcile(answer.versions());
        assertThat(r.problems()).isEmpty();
        assertThat(r.keyChanges()).isEmpty();
        assertThat(r.log().head()).isEqualTo(hex(objects(DIRECTORY, "versions").getLast(), "head"));
    }
}
