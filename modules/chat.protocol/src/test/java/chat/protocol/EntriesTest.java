package chat.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.crypto.AesGcm;
import chat.crypto.CryptoException;
import chat.crypto.CryptoRandom;
import chat.crypto.Hpke;
import chat.crypto.HpkeSealed;
import chat.crypto.MalformedInputException;
import chat.crypto.Sha256;
import chat.crypto.SigningPublicKey;
import chat.protocol.identity.IdentityKeys;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The channel layer: signed entries ({@link Entries}, {@link SignedForms}) and their
 * end-to-end encryption ({@link ChannelCrypto}). A signature covers every field its author
 * chose and nothing of another kind; a wrapped key opens only for the context it was made
 * for; a message opens only under its key and its exact header.
 */
class EntriesTest {

    static final IdentityKeys ALICE = IdentityKeys.generate("alice");
    static final IdentityKeys BOB = IdentityKeys.generate("bob");
    static final IdentityKeys CAROL = IdentityKeys.generate("carol");
    static final byte[] KEY = ChannelCrypto.newChannelKey();
    static final View VIEW = new View(7, CryptoRandom.bytes(32));

    static AddUser invite() throws MalformedInputException {
        return Entries.addUser(ALICE.signing(), "general", 0, "alice", "bob", BOB.agreement().publicKey(), KEY, 5, VIEW);
    }

    static Comms comms() throws MalformedInputException {
        return Entries.comms(BOB.signing(), "general", 0, "bob", 9, VIEW, KEY, "hello \u00e9\ud83d\ude00");
    }

    static byte[] flip(byte[] b) {
        byte[] out = b.clone();
        out[out.length - 1] ^= 1;
        return out;
    }

    // ---------------------------------------------------------------- signatures

    @Test
    void entriesVerifyWithTheAuthorsKeyOnly() throws Exception {
        AddUser a = invite();
        Comms c = comms();
        assertThat(Entries.verify(a, ALICE.signing().publicKey())).isTrue();
        assertThat(Entries.verify(a, BOB.signing().publicKey())).isFalse();
        assertThat(Entries.verify(a, CAROL.signing().publicKey())).isFalse();
        assertThat(Entries.verify(c, BOB.signing().publicKey())).isTrue();
        assertThat(Entries.verify(c, ALICE.signing().publicKey())).isFalse();
        assertThat(a.author()).isEqualTo("alice");
        assertThat(c.author()).isEqualTo("bob");
        assertThat(a.isCreate()).isFalse();
    }

    static Stream<Named<UnaryOperator<AddUser>>> addUserChanges() {
        return Stream.of(
                Named.of("channelID", a -> new AddUser("general2", a.epoch(), a.inviter(), a.invitee(), a.userSeq(),
                        a.view(), a.enc(), a.wrappedKey(), a.keyCommitment(), a.signature(), a.stamp())),
                Named.of("epoch", a -> new AddUser(a.channelID(), 1, a.inviter(), a.invitee(), a.userSeq(), a.view(),
                        a.enc(), a.wrappedKey(), a.keyCommitment(), a.signature(), a.stamp())),
                Named.of("inviter", a -> new AddUser(a.channelID(), a.epoch(), "carol", a.invitee(), a.userSeq(),
                        a.view(), a.enc(), a.wrappedKey(), a.keyCommitment(), a.signature(), a.stamp())),
                Named.of("invitee", a -> new AddUser(a.channelID(), a.epoch(), a.inviter(), "carol", a.userSeq(),
                        a.view(), a.enc(), a.wrappedKey(), a.keyCommitment(), a.signature(), a.stamp())),
                Named.of("userSeq", a -> new AddUser(a.channelID(), a.epoch(), a.inviter(), a.invitee(),
                        a.userSeq() + 1, a.view(), a.enc(), a.wrappedKey(), a.keyCommitment(), a.signature(), a.stamp())),
                Named.of("viewSeq", a -> new AddUser(a.channelID(), a.epoch(), a.inviter(), a.invitee(), a.userSeq(),
                        new View(a.view().seq() - 1, a.view().head()), a.enc(), a.wrappedKey(), a.keyCommitment(), a.signature(), a.stamp())),
                Named.of("viewHead", a -> new AddUser(a.channelID(), a.epoch(), a.inviter(), a.invitee(), a.userSeq(),
                        new View(a.view().seq(), flip(a.view().head())), a.enc(), a.wrappedKey(), a.keyCommitment(), a.signature(),
                        a.stamp())),
                Named.of("channelkey.enc", a -> new AddUser(a.channelID(), a.epoch(), a.inviter(), a.invitee(),
                        a.userSeq(), a.view(), flip(a.enc()), a.wrappedKey(), a.keyCommitment(), a.signature(), a.stamp())),
                Named.of("channelkey.ct", a -> new AddUser(a.channelID(), a.epoch(), a.inviter(), a.invitee(),
                        a.userSeq(), a.view(), a.enc(), flip(a.wrappedKey()), a.keyCommitment(), a.signature(), a.stamp())),
                Named.of("keyCommitment", a -> new AddUser(a.channelID(), a.epoch(), a.inviter(), a.invitee(),
                        a.userSeq(), a.view(), a.enc(), a.wrappedKey(), flip(a.keyCommitment()), a.signature(), a.stamp())),
                Named.of("signature", a -> new AddUser(a.channelID(), a.epoch(), a.inviter(), a.invitee(),
                        a.userSeq(), a.view(), a.enc(), a.wrappedKey(), a.keyCommitment(), flip(a.signature()), a.stamp())));
    }

    @ParameterizedTest
    @MethodSource("addUserChanges")
    void anyChangedAddUserFieldBreaksTheSignature(UnaryOperator<AddUser> change) throws Exception {
        AddUser changed = change.apply(invite());
        assertThat(Entries.verify(changed, ALICE.signing().publicKey())).isFalse();
    }

    static Stream<Named<UnaryOperator<Comms>>> commsChanges() {
        return Stream.of(
                Named.of("channelID", c -> new Comms("random", c.epoch(), c.userID(), c.userSeq(), c.view(), c.nonce(),
                        c.ct(), c.signature(), c.stamp())),
                Named.of("epoch", c -> new Comms(c.channelID(), 1, c.userID(), c.userSeq(), c.view(), c.nonce(), c.ct(),
                        c.signature(), c.stamp())),
                Named.of("userID", c -> new Comms(c.channelID(), c.epoch(), "alice", c.userSeq(), c.view(), c.nonce(),
                        c.ct(), c.signature(), c.stamp())),
                Named.of("userSeq", c -> new Comms(c.channelID(), c.epoch(), c.userID(), c.userSeq() + 1, c.view(),
                        c.nonce(), c.ct(), c.signature(), c.stamp())),
                Named.of("viewSeq", c -> new Comms(c.channelID(), c.epoch(), c.userID(), c.userSeq(),
                        new View(c.view().seq() + 1, c.view().head()), c.nonce(), c.ct(), c.signature(), c.stamp())),
                Named.of("viewHead", c -> new Comms(c.channelID(), c.epoch(), c.userID(), c.userSeq(),
                        new View(c.view().seq(), flip(c.view().head())), c.nonce(), c.ct(), c.signature(), c.stamp())),
                Named.of("msg.nonce", c -> new Comms(c.channelID(), c.epoch(), c.userID(), c.userSeq(), c.view(),
                        flip(c.nonce()), c.ct(), c.signature(), c.stamp())),
                Named.of("msg.ct", c -> new Comms(c.channelID(), c.epoch(), c.userID(), c.userSeq(), c.view(),
                        c.nonce(), flip(c.ct()), c.signature(), c.stamp())),
                Named.of("signature", c -> new Comms(c.channelID(), c.epoch(), c.userID(), c.userSeq(), c.view(),
                        c.nonce(), c.ct(), flip(c.signature()), c.stamp())));
    }

    @ParameterizedTest
    @MethodSource("commsChanges")
    void anyChangedCommsFieldBreaksTheSignature(UnaryOperator<Comms> change) throws Exception {
        Comms changed = change.apply(comms());
        assertThat(Entries.verify(changed, BOB.signing().publicKey())).isFalse();
    }

    @Test
    void theServerStampIsNotSignedSoTheServerCanAddIt() throws Exception {
        // The stamp is bound by the hash chain instead (ChainHashTest).
        assertThat(Entries.verify(comms().withStamp(new Stamp(3, 1_000)), BOB.signing().publicKey())).isTrue();
        assertThat(Entries.verify(invite().withStamp(new Stamp(4, 2_000)), ALICE.signing().publicKey())).isTrue();
    }

    @Test
    void aCommsSignatureNeverVerifiesAsAnAddUserAndViceVersa() throws Exception {
        // Entries with the same author, channel, epoch, userSeq and view: only the purpose and the body differ.
        AddUser create = Entries.addUser(ALICE.signing(), "general", 0, "alice", "alice", ALICE.agreement().publicKey(),
                KEY, 9, VIEW);
        Comms c = Entries.comms(ALICE.signing(), "general", 0, "alice", 9, VIEW, KEY, "x");
        SigningPublicKey key = ALICE.signing().publicKey();

        AddUser withCommsSignature = new AddUser(create.channelID(), create.epoch(), create.inviter(),
                create.invitee(), create.userSeq(), create.view(), create.enc(), create.wrappedKey(), create.keyCommitment(), c.signature(), null);
        Comms withAddUserSignature = new Comms(c.channelID(), c.epoch(), c.userID(), c.userSeq(), c.view(), c.nonce(),
                c.ct(), create.signature(), null);
        assertThat(Entries.verify(withCommsSignature, key)).isFalse();
        assertThat(Entries.verify(withAddUserSignature, key)).isFalse();

        // At the byte level: the signed forms differ, and each names its purpose.
        byte[] addUserForm = SignedForms.addUser(create);
        byte[] commsForm = SignedForms.comms(c);
        assertThat(key.verify(addUserForm, c.signature())).isFalse();
        assertThat(key.verify(commsForm, create.signature())).isFalse();
        assertThat(new String(addUserForm, StandardCharsets.UTF_8)).contains("\"purpose\":\"chat-v1/addUser\"");
        assertThat(new String(commsForm, StandardCharsets.UTF_8)).contains("\"purpose\":\"chat-v1/comms\"");
    }

    @Test
    void everySignedFormHasItsOwnPurpose() {
        List<String> purposes = List.of(SignedForms.INIT_CONN, SignedForms.INIT_KEY, SignedForms.INIT_CONFIRM,
                SignedForms.ADD_USER, SignedForms.COMMS, ChainHash.PURPOSE, ChannelCrypto.KEY_PURPOSE,
                ChannelCrypto.AAD_PURPOSE);
        assertThat(purposes).doesNotHaveDuplicates().allMatch(p -> p.startsWith("chat-v1/"));
        // a handshake signature cannot stand in for an entry either
        byte[] th = CryptoRandom.bytes(32);
        byte[] confirm = ALICE.signing().sign(SignedForms.initConfirm("alice", th));
        assertThat(ALICE.signing().publicKey().verify(SignedForms.initKey(1, "alice", th, th, th), confirm)).isFalse();
    }

    @Test
    void theSignedFormOfCommsIsItsCanonicalBodyWithThePurpose() throws Exception {
        Comms c = comms().withStamp(new Stamp(3, 5));
        String form = new String(SignedForms.comms(c), StandardCharsets.UTF_8);
        String wire = new String(new MessageCodec().encode(c), StandardCharsets.UTF_8);
        assertThat(form).doesNotContain("signature").doesNotContain("channelSeq").doesNotContain("timestamp")
                .doesNotContain("\"type\"").startsWith("{\"channelID\":\"general\",\"epoch\":0,\"msg\":{\"ct\":");
        assertThat(wire.replace(",\"signature\":\"" + SignedForms.b64(c.signature()) + "\"", "")
                .replace(",\"channelSeq\":3", "").replace(",\"timestamp\":5", "")
                .replace(",\"type\":\"comms\"", "")).isEqualTo(form.replace(",\"purpose\":\"chat-v1/comms\"", ""));
    }

    // ---------------------------------------------------------------- channel keys

    @Test
    void theInviteeAndOnlyTheInviteeUnwrapsTheChannelKey() throws Exception {
        AddUser a = invite();
        assertThat(ChannelCrypto.unwrapKey(a, BOB.agreement())).isEqualTo(KEY);
        assertThatThrownBy(() -> ChannelCrypto.unwrapKey(a, ALICE.agreement())).isInstanceOf(CryptoException.class);
        assertThatThrownBy(() -> ChannelCrypto.unwrapKey(a, CAROL.agreement())).isInstanceOf(CryptoException.class);
    }

    @Test
    void aCreatorWrapsTheKeyToThemself() throws Exception {
        AddUser create = Entries.addUser(ALICE.signing(), "general", 0, "alice", "alice",
                ALICE.agreement().publicKey(), KEY, 1, new View(0, ChainHash.genesis("general")));
        assertThat(create.isCreate()).isTrue();
        assertThat(ChannelCrypto.unwrapKey(create, ALICE.agreement())).isEqualTo(KEY);
    }

    static Stream<Named<UnaryOperator<AddUser>>> contextChanges() {
        return addUserChanges().filter(n -> List.of("channelID", "epoch", "inviter", "invitee", "channelkey.enc",
                "channelkey.ct").contains(n.getName()));
    }

    @ParameterizedTest
    @MethodSource("contextChanges")
    void theWrappedKeyIsBoundToChannelEpochInviterAndInvitee(UnaryOperator<AddUser> change) throws Exception {
        AddUser changed = change.apply(invite());
        assertThatThrownBy(() -> ChannelCrypto.unwrapKey(changed, BOB.agreement())).isInstanceOf(CryptoException.class);
    }

    @Test
    void theOtherFieldsAreBoundByTheSignatureNotTheWrapping() throws Exception {
        AddUser a = invite();
        AddUser otherSeq = new AddUser(a.channelID(), a.epoch(), a.inviter(), a.invitee(), 99, a.view(), a.enc(),
                a.wrappedKey(), a.keyCommitment(), a.signature(), null);
        assertThat(ChannelCrypto.unwrapKey(otherSeq, BOB.agreement())).isEqualTo(KEY);
        assertThat(Entries.verify(otherSeq, ALICE.signing().publicKey())).isFalse();
    }

    @Test
    void aWrappedSecretOfTheWrongLengthIsRefused() throws Exception {
        byte[] info = ChannelCrypto.keyInfo("general", 0, "alice", "bob");
        HpkeSealed sixteen = Hpke.seal(BOB.agreement().publicKey(), info, new byte[0], new byte[16]);
        AddUser a = new AddUser("general", 0, "alice", "bob", 1, VIEW, sixteen.enc(), sixteen.ciphertext(),
                new byte[32], new byte[64], null);
        assertThatThrownBy(() -> ChannelCrypto.unwrapKey(a, BOB.agreement())).isInstanceOf(MalformedInputException.class)
                .hasMessageContaining("channel key must be 32 bytes, got 16");
    }

    @Test
    void theHpkeInfoIsTheCanonicalContext() {
        assertThat(new String(ChannelCrypto.keyInfo("general", 0, "alice", "bob"), StandardCharsets.UTF_8))
                .isEqualTo("{\"channelID\":\"general\",\"epoch\":0,\"invitee\":\"bob\",\"inviter\":\"alice\","
                        + "\"purpose\":\"chat-v1/channelkey\"}");
    }

    // ---------------------------------------------------------------- message text

    @Test
    void textRoundTripsUnderTheChannelKey() throws Exception {
        Comms c = comms();
        assertThat(ChannelCrypto.openText(KEY, c)).isEqualTo("hello \u00e9\ud83d\ude00");
        assertThat(c.nonce()).hasSize(12);
        assertThat(c.ct()).hasSize(ChannelCrypto.plaintext("hello \u00e9\ud83d\ude00").length + 16);
        assertThat(Entries.comms(BOB.signing(), "general", 0, "bob", 9, VIEW, KEY, "same").nonce())
                .isNotEqualTo(Entries.comms(BOB.signing(), "general", 0, "bob", 9, VIEW, KEY, "same").nonce());
    }

    @Test
    void aWrongKeyDoesNotOpenTheText() throws Exception {
        Comms c = comms();
        assertThatThrownBy(() -> ChannelCrypto.openText(ChannelCrypto.newChannelKey(), c))
                .isInstanceOf(CryptoException.class);
    }

    static Stream<Named<UnaryOperator<Comms>>> headerAndCiphertextChanges() {
        return commsChanges().filter(n -> !n.getName().equals("signature")); // the signature is not in the AAD
    }

    @ParameterizedTest
    @MethodSource("headerAndCiphertextChanges")
    void aChangedHeaderOrCiphertextDoesNotOpen(UnaryOperator<Comms> change) throws Exception {
        Comms changed = change.apply(comms());
        assertThatThrownBy(() -> ChannelCrypto.openText(KEY, changed)).isInstanceOf(CryptoException.class);
    }

    @Test
    void theAadIsTheCanonicalHeaderAndThePlaintextIsAJsonObject() {
        View view = new View(2, new byte[32]);
        assertThat(new String(ChannelCrypto.commsAad("general", 0, "bob", 4, view), StandardCharsets.UTF_8))
                .isEqualTo("{\"channelID\":\"general\",\"epoch\":0,\"purpose\":\"chat-v1/comms-aad\",\"userID\":\"bob\","
                        + "\"userSeq\":4,\"viewHead\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"viewSeq\":2}");
        assertThat(new String(ChannelCrypto.plaintext("a\"b\n"), StandardCharsets.UTF_8))
                .isEqualTo("{\"text\":\"a\\\"b\\n\"}");
    }

    @Test
    void theAadWrittenDirectlyIsTheCanonicalFormOfItsObjectForAnyNamesAndNumbers() {
        String[] names = {"general", "a\"b", "back\\slash", "tab\there", "\u0001ctl", "caf\u00e9", "\ud83d\ude00", ""};
        long[] numbers = {0, 1, 9_007_199_254_740_990L};
        for (String channel : names) {
            for (String user : names) {
                for (long n : numbers) {
                    View view = new View(n, Sha256.hash(channel.getBytes(StandardCharsets.UTF_8)));
                    byte[] generic = chat.protocol.json.ObjectBuilder.create().put("purpose", ChannelCrypto.AAD_PURPOSE)
                            .put("channelID", channel).put("epoch", n).put("userID", user).put("userSeq", n + 1)
                            .put("viewSeq", view.seq()).put("viewHead", view.head()).canonical();
                    assertThat(ChannelCrypto.commsAad(channel, n, user, n + 1, view)).as("%s %s %d", channel, user, n)
                            .isEqualTo(generic);
                }
            }
        }
    }

    @Test
    void aPlaintextThatIsNotTheTextObjectIsRefused() throws Exception {
        byte[] aad = ChannelCrypto.commsAad("general", 0, "bob", 1, VIEW);
        byte[] nonce = CryptoRandom.bytes(12);
        byte[] ct = AesGcm.of(KEY).seal(nonce, aad, "just text".getBytes(StandardCharsets.UTF_8));
        Comms c = new Comms("general", 0, "bob", 1, VIEW, nonce, ct, new byte[64], null);
        assertThatThrownBy(() -> ChannelCrypto.openText(KEY, c)).isInstanceOf(MalformedInputException.class)
                .hasMessageContaining("is not the JSON object {\"text\": ...}")
                .hasMessageNotContaining("just text"); // the plaintext is never quoted into errors or logs
    }

    // ---------------------------------------------------------------- directory claims

    static Comms sealed(byte[] plaintext) throws MalformedInputException {
        byte[] aad = ChannelCrypto.commsAad("general", 0, "bob", 1, VIEW);
        byte[] nonce = CryptoRandom.bytes(12);
        return new Comms("general", 0, "bob", 1, VIEW, nonce, AesGcm.of(KEY).seal(nonce, aad, plaintext), new byte[64], null);
    }

    @Test
    void aPlaintextWithADirectoryClaimOpensToTheSameClaim() throws Exception {
        byte[] head = CryptoRandom.bytes(32);
        Comms c = Entries.comms(BOB.signing(), "general", 0, "bob", 9, VIEW, KEY, "hi", new DirectoryClaim(3, head));
        assertThat(Entries.verify(c, BOB.signing().publicKey())).isTrue();
        ChannelCrypto.Opened opened = ChannelCrypto.open(KEY, c);
        assertThat(opened.text()).isEqualTo("hi");
        assertThat(opened.directory().number()).isEqualTo(3);
        assertThat(opened.directory().head()).isEqualTo(head);
        assertThat(ChannelCrypto.openText(KEY, c)).isEqualTo("hi");
        assertThat(new String(ChannelCrypto.plaintext("hi", new DirectoryClaim(3, new byte[32])), StandardCharsets.UTF_8))
                .isEqualTo("{\"directory\":{\"head\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"number\":3},"
                        + "\"text\":\"hi\"}");
    }

    @Test
    void aPlaintextWithoutAClaimOpensWithANullClaim() throws Exception {
        ChannelCrypto.Opened opened = ChannelCrypto.open(KEY, comms());
        assertThat(opened.text()).isEqualTo("hello \u00e9\ud83d\ude00");
        assertThat(opened.directory()).isNull();
        assertThat(ChannelCrypto.plaintext("x", null)).isEqualTo(ChannelCrypto.plaintext("x"));
        // fields a later version may add are ignored
        ChannelCrypto.Opened later = ChannelCrypto.open(KEY, sealed("{\"text\":\"x\",\"reply\":7}".getBytes(StandardCharsets.UTF_8)));
        assertThat(later.text()).isEqualTo("x");
        assertThat(later.directory()).isNull();
    }

    @Test
    void aMalformedClaimIsRefusedWithoutQuotingThePlaintext() throws Exception {
        for (String plaintext : List.of("{\"text\":\"secret\",\"directory\":{\"number\":0,\"head\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}}",
                "{\"text\":\"secret\",\"directory\":{\"number\":2,\"head\":\"AAAA\"}}",
                "{\"text\":\"secret\",\"directory\":{\"number\":2}}",
                "{\"text\":\"secret\",\"directory\":7}")) {
            Comms c = sealed(plaintext.getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> ChannelCrypto.open(KEY, c)).as(plaintext).isInstanceOf(MalformedInputException.class)
                    .hasMessageNotContaining("secret");
        }
    }
}
