package chat.protocol.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.protocol.identity.DirectoryLog.Problem.Kind;
import chat.protocol.json.JsonException;
import chat.protocol.json.JsonValue;
import chat.protocol.json.ObjectBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory log (docs/protocol.md, "The directory log"): how versions are signed and
 * chained, every rule a version must keep (each refused with a sentence naming it), the
 * file round trip, and {@link DirectoryLog#reconcile}, which classifies what a server
 * serves: nothing new, an extension, a rollback, a fork, a key the admin did not sign, or a
 * key change the admin did sign.
 */
class DirectoryLogTest {

    @TempDir
    Path dir;

    final IdentityKeys admin = IdentityKeys.generate(UserKeyFile.ADMIN_NAME);
    final IdentityKeys mallory = IdentityKeys.generate(UserKeyFile.ADMIN_NAME); // signs what the admin did not
    final IdentityKeys server = IdentityKeys.generate("server");
    final IdentityKeys alice = IdentityKeys.generate("alice");
    final IdentityKeys bob = IdentityKeys.generate("bob");
    final IdentityKeys carol = IdentityKeys.generate("carol");
    final IdentityKeys newBob = IdentityKeys.generate("bob");
    final IdentityKeys fakeAlice = IdentityKeys.generate("alice");

    /** Version 1: alice and bob. */
    final DirectoryLog v1 = DirectoryLog.genesis(admin, server.principal(),
            Map.of("alice", alice.principal(), "bob", bob.principal()), 1_000);
    /** Version 2 adds carol. */
    final DirectoryLog v2 = sign(v1, Map.of("carol", carol.principal()), Set.of(), 2_000);
    /** Version 3 revokes bob. */
    final DirectoryLog v3 = sign(v2, Map.of(), Set.of("bob"), 3_000);

    DirectoryLog sign(DirectoryLog log, Map<String, Principal> add, Set<String> revoke, long issued) {
        try {
            return log.sign(admin, add, revoke, issued);
        } catch (DirectoryException e) {
            throw new AssertionError(e);
        }
    }

    /** A version after {@code log}, chained correctly but signed by {@code signer}. */
    static DirectoryVersion next(DirectoryLog log, IdentityKeys signer, Map<String, Principal> add, Set<String> revoke) {
        return DirectoryVersion.sign(signer, log.number() + 1, log.head(), 9_000, null, new TreeMap<>(add),
                new TreeSet<>(revoke));
    }

    static void refused(ThrowingCallable call, String fragment) {
        assertThatThrownBy(call).isInstanceOf(DirectoryException.class).hasMessageContaining(fragment);
    }

    // ---------------------------------------------------------------- genesis, signing, chaining

    @Test
    void genesisNamesTheAdminAndTheServerAndIsSignedByTheAdmin() {
        DirectoryVersion first = v1.version(1);
        assertThat(v1.number()).isEqualTo(1);
        assertThat(first.previous()).isEqualTo(new byte[32]);
        assertThat(first.admin()).isEqualTo(admin.signing().publicKey());
        assertThat(first.server()).isEqualTo(server.principal());
        assertThat(first.verifies(admin.signing().publicKey())).isTrue();
        assertThat(first.verifies(mallory.signing().publicKey())).isFalse();
        assertThat(v1.admin()).isEqualTo(admin.signing().publicKey());
        assertThat(v1.server()).isEqualTo(server.principal());
        assertThat(v1.current().users()).containsOnlyKeys("alice", "bob");
        assertThat(v1.head()).isEqualTo(first.head()).isEqualTo(v1.headAt(1));
    }

    @Test
    void theSignedFormIsTheVersionWithoutItsSignatureUnderThePurposeAndTheHeadCoversTheSignature() throws Exception {
        DirectoryVersion second = v2.version(2);
        JsonValue.JsonObject json = second.toJson();
        java.util.Map<String, JsonValue> unsigned = new java.util.LinkedHashMap<>(json.fields());
        unsigned.remove("signature");
        unsigned.put("purpose", JsonValue.of(DirectoryVersion.PURPOSE));
        assertThat(second.signedForm()).isEqualTo(chat.protocol.json.Jcs.canonical(new JsonValue.JsonObject(unsigned)));
        assertThat(new String(second.signedForm(), StandardCharsets.UTF_8))
                .contains("\"purpose\":\"chat-v1/directory\"").doesNotContain("signature");
        assertThat(second.head()).isEqualTo(chat.crypto.Sha256.hash(ObjectBuilder.create()
                .put("purpose", DirectoryVersion.HEAD_PURPOSE).put("version", json).canonical()));
        assertThat(second.previous()).isEqualTo(v1.head());
        // Ed25519 is deterministic: signing again gives the same version; other signature bytes, another head
        assertThat(second.withSignature(admin.signing().sign(second.signedForm())).sameAs(second)).isTrue();
        assertThat(second.withSignature(new byte[64]).head()).isNotEqualTo(second.head());
        assertThat(DirectoryVersion.fromJson(json).sameAs(second)).isTrue();
    }

    @Test
    void eachVersionChainsToTheOneBeforeAndAppliesRevokesBeforeAdds() throws Exception {
        assertThat(v3.number()).isEqualTo(3);
        assertThat(v3.version(3).previous()).isEqualTo(v2.head());
        assertThat(v3.current().users()).containsOnlyKeys("alice", "carol");
        // one version may revoke a name and re-add it with a new key: a key change
        DirectoryLog changed = sign(v2, Map.of("bob", newBob.principal()), Set.of("bob"), 4_000);
        assertThat(changed.current().user("bob")).contains(newBob.principal());
        assertThat(changed.isRevoked("bob")).isFalse();
        assertThat(changed.revocation("bob")).map(DirectoryVersion::number).contains(3L);
        assertThat(changed.entered("bob")).map(DirectoryVersion::number).contains(3L);
        // a revoked name may come back in a later version
        DirectoryLog back = sign(v3, Map.of("bob", newBob.principal()), Set.of(), 5_000);
        assertThat(back.current().user("bob")).contains(newBob.principal());
        assertThat(back.known("bob")).contains(newBob.principal());
        // the log that was appended to is unchanged
        assertThat(v2.number()).isEqualTo(2);
        assertThat(v2.current().user("bob")).contains(bob.principal());
    }

    @Test
    void everyRuleOfAppendIsEnforcedWithASentenceNamingIt() {
        refused(() -> v1.sign(mallory, Map.of("carol", carol.principal()), Set.of(), 2_000),
                "this admin key is not the one that signed this directory");
        refused(() -> v1.append(v3.version(3)), "directory version 3 follows version 1 (expected 2)");
        refused(() -> v2.append(v2.version(2)), "directory version 2 follows version 2 (expected 3)");
        DirectoryVersion namesAdmin = new DirectoryVersion(2, v1.head(), 2_000, admin.signing().publicKey(),
                server.principal(), new TreeMap<>(Map.of("carol", carol.principal())), new TreeSet<>(), null);
        refused(() -> v1.append(namesAdmin.withSignature(admin.signing().sign(namesAdmin.signedForm()))),
                "directory version 2 names an admin key or a server; only version 1 does");
        DirectoryVersion wrongPrevious = DirectoryVersion.sign(admin, 2, new byte[32], 2_000, null,
                new TreeMap<>(Map.of("carol", carol.principal())), new TreeSet<>());
        refused(() -> v1.append(wrongPrevious), "directory version 2 does not name the head of version 1");
        refused(() -> v1.append(next(v1, mallory, Map.of("carol", carol.principal()), Set.of())),
                "directory version 2 is not signed by the admin key");
        refused(() -> v1.append(v2.version(2).withSignature(new byte[64])), "is not signed by the admin key");
        refused(() -> v1.sign(admin, Map.of(), Set.of(), 2_000), "directory version 2 neither adds nor revokes a user");
        refused(() -> v1.sign(admin, Map.of(), Set.of("carol"), 2_000),
                "directory version 2 revokes 'carol', who is not in the directory");
        refused(() -> v3.sign(admin, Map.of(), Set.of("bob"), 4_000),
                "directory version 4 revokes 'bob', who is not in the directory");
        refused(() -> v1.sign(admin, Map.of("alice", fakeAlice.principal()), Set.of(), 2_000),
                "directory version 2 adds 'alice', who is in the directory already");
    }

    @Test
    void aWholeLogIsVerifiedFromVersionOne() throws Exception {
        assertThat(DirectoryLog.of(v3.versions()).head()).isEqualTo(v3.head());
        refused(() -> DirectoryLog.of(List.of()), "the directory log is empty");
        refused(() -> DirectoryLog.of(v3.versionsFrom(2)),
                "the directory log starts with version 2; it must start with version 1");
        refused(() -> DirectoryLog.of(List.of(v1.version(1), v3.version(3))), "directory version 3 follows version 1");

        DirectoryVersion first = v1.version(1);
        DirectoryVersion chained = new DirectoryVersion(1, v1.head(), 1_000, first.admin(), first.server(),
                first.added(), first.revoked(), null);
        refused(() -> DirectoryLog.of(List.of(chained.withSignature(admin.signing().sign(chained.signedForm())))),
                "directory version 1 names a previous version");
        refused(() -> DirectoryLog.of(List.of(first.withSignature(mallory.signing().sign(first.signedForm())))),
                "directory version 1 is not signed by the admin key it names");
        DirectoryVersion revokes = new DirectoryVersion(1, DirectoryVersion.NO_PREVIOUS, 1_000, first.admin(),
                first.server(), first.added(), new TreeSet<>(Set.of("bob")), null);
        refused(() -> DirectoryLog.of(List.of(revokes.withSignature(admin.signing().sign(revokes.signedForm())))),
                "directory version 1 revokes users");
    }

    @Test
    void parsingIsStrict() {
        JsonValue.JsonObject first = v1.version(1).toJson();
        assertThatThrownBy(() -> DirectoryVersion.fromJson(without(first, "admin"))).isInstanceOf(JsonException.class)
                .hasMessageContaining("directory version 1: version 1 names the admin key and the server");
        assertThatThrownBy(() -> DirectoryVersion.fromJson(without(first, "server"))).isInstanceOf(JsonException.class)
                .hasMessageContaining("version 1 names the admin key and the server");
        assertThatThrownBy(() -> DirectoryVersion.fromJson(with(v2.version(2).toJson(), "admin",
                b64(admin.signing().publicKey().bytes()))))
                .isInstanceOf(JsonException.class).hasMessageContaining("only version 1 names the admin key and the server");
        assertThatThrownBy(() -> DirectoryVersion.fromJson(with(first, "note", JsonValue.of("hi"))))
                .isInstanceOf(JsonException.class).hasMessageContaining("note");
        assertThatThrownBy(() -> DirectoryVersion.fromJson(with(first, "previous", b64(new byte[31]))))
                .isInstanceOf(JsonException.class).hasMessageContaining("previous");
        assertThatThrownBy(() -> DirectoryVersion.fromJson(with(v3.version(3).toJson(), "revoke",
                new JsonValue.JsonArray(List.of(JsonValue.of("bob"), JsonValue.of("alice"))))))
                .isInstanceOf(JsonException.class).hasMessageContaining("'revoke' must be sorted");
        assertThatThrownBy(() -> DirectoryVersion.fromJson(with(v3.version(3).toJson(), "revoke",
                new JsonValue.JsonArray(List.of(JsonValue.of("bob"), JsonValue.of("bob"))))))
                .isInstanceOf(JsonException.class).hasMessageContaining("'bob' is revoked twice");
        assertThatThrownBy(() -> DirectoryVersion.fromJson(with(v3.version(3).toJson(), "revoke",
                new JsonValue.JsonArray(List.of(JsonValue.of("b b")))))).isInstanceOf(JsonException.class)
                .hasMessageContaining("'revoke' holds user names only");
    }

    static JsonValue.JsonObject without(JsonValue.JsonObject o, String field) {
        java.util.Map<String, JsonValue> m = new java.util.LinkedHashMap<>(o.fields());
        m.remove(field);
        return new JsonValue.JsonObject(m);
    }

    static JsonValue b64(byte[] bytes) {
        return JsonValue.of(Base64.getEncoder().encodeToString(bytes));
    }

    static JsonValue.JsonObject with(JsonValue.JsonObject o, String field, JsonValue value) {
        java.util.Map<String, JsonValue> m = new java.util.LinkedHashMap<>(o.fields());
        m.put(field, value);
        return new JsonValue.JsonObject(m);
    }

    // ---------------------------------------------------------------- reading

    @Test
    void enteredRevokedRevocationKnownAndVersionsFrom() {
        assertThat(v3.entered("alice")).map(DirectoryVersion::number).contains(1L);
        assertThat(v3.entered("carol")).map(DirectoryVersion::number).contains(2L);
        assertThat(v3.entered("bob")).isEmpty();
        assertThat(v3.entered("dave")).isEmpty();
        assertThat(v3.isRevoked("bob")).isTrue();
        assertThat(v3.isRevoked("alice")).isFalse();
        assertThat(v3.isRevoked("dave")).isFalse();
        assertThat(v2.isRevoked("bob")).isFalse();
        assertThat(v3.revocation("bob")).map(DirectoryVersion::number).contains(3L);
        assertThat(v3.revocation("alice")).isEmpty();
        assertThat(v3.known("bob")).contains(bob.principal());
        assertThat(v3.known("dave")).isEmpty();
        assertThat(v3.revokedNames()).containsExactly("bob");
        assertThat(v3.current().users()).containsOnlyKeys("alice", "carol");

        assertThat(v3.versionsFrom(1)).extracting(DirectoryVersion::number).containsExactly(1L, 2L, 3L);
        assertThat(v3.versionsFrom(2)).extracting(DirectoryVersion::number).containsExactly(2L, 3L);
        assertThat(v3.versionsFrom(3)).extracting(DirectoryVersion::number).containsExactly(3L);
        // a client that asks from a number the server does not have yet still gets the newest version
        assertThat(v3.versionsFrom(7)).extracting(DirectoryVersion::number).containsExactly(3L);
        assertThat(v3.versionsFrom(0)).extracting(DirectoryVersion::number).containsExactly(1L, 2L, 3L);
    }

    // ---------------------------------------------------------------- files

    @Test
    void aLogRoundTripsThroughItsFileAndIsVerifiedOnLoad() throws Exception {
        Path file = dir.resolve(DirectoryLog.FILE_NAME);
        v3.write(file);
        DirectoryLog loaded = DirectoryLog.load(file);
        assertThat(loaded.number()).isEqualTo(3);
        assertThat(loaded.head()).isEqualTo(v3.head());
        for (long n = 1; n <= 3; n++) {
            assertThat(loaded.version(n).sameAs(v3.version(n))).isTrue();
        }
        assertThat(loaded.current()).isEqualTo(v3.current());
        assertThat(loaded.verifyProblem()).isEmpty();
        assertThat(loaded.toJson()).isEqualTo(v3.toJson());

        // replace swaps the whole file for a newer log
        DirectoryLog v4 = sign(v3, Map.of("bob", newBob.principal()), Set.of(), 4_000);
        v4.replace(file);
        assertThat(DirectoryLog.load(file).head()).isEqualTo(v4.head());
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void aBrokenSignatureIsRefusedByLoadButLoadUncheckedKeepsItAndNamesTheProblem() throws Exception {
        Path file = dir.resolve(DirectoryLog.FILE_NAME);
        v3.write(file);
        String signature = Base64.getEncoder().encodeToString(v3.version(2).signature());
        String other = Base64.getEncoder().encodeToString(admin.signing().sign("something else".getBytes(StandardCharsets.UTF_8)));
        String text = Files.readString(file);
        Files.writeString(file, text.replaceFirst(Pattern.quote(signature), other));

        IdentityFilesTest.assertFails(() -> DirectoryLog.load(file), IdentityFileException.Reason.MALFORMED,
                "directory version 2 is not signed by the admin key");
        DirectoryLog unchecked = DirectoryLog.loadUnchecked(file);
        assertThat(unchecked.number()).isEqualTo(3);
        assertThat(unchecked.current()).isEqualTo(v3.current());
        assertThat(unchecked.verifyProblem()).hasValueSatisfying(p ->
                assertThat(p).contains("directory version 2 is not signed by the admin key"));
        assertThat(v3.verifyProblem()).isEmpty();

        // the add/revoke rules hold even unchecked: a log that breaks them is no log
        Path impossible = dir.resolve("impossible.json");
        DirectoryVersion revokesStranger = next(v1, admin, Map.of(), Set.of("dave"));
        JsonValue.JsonObject content = ObjectBuilder.create().put("format", "chat-directory").put("version", 2)
                .put("log", new JsonValue.JsonArray(List.of(v1.version(1).toJson(), revokesStranger.toJson()))).build();
        JsonFiles.create(impossible, content, false);
        IdentityFilesTest.assertFails(() -> DirectoryLog.loadUnchecked(impossible), IdentityFileException.Reason.MALFORMED,
                "revokes 'dave', who is not in the directory");
    }

    // ---------------------------------------------------------------- reconcile

    @Test
    void anIdenticalLogChangesNothing() {
        DirectoryLog.Reconciled r = v3.reconcile(v3.versions());
        assertThat(r.log()).isSameAs(v3);
        assertThat(r.problems()).isEmpty();
        assertThat(r.keyChanges()).isEmpty();
        // the answer to directoryGet N starts at N: only the newest version the client holds
        assertThat(v3.reconcile(v3.versionsFrom(3)).problems()).isEmpty();
    }

    @Test
    void newerValidVersionsExtendTheLog() {
        DirectoryLog.Reconciled r = v1.reconcile(v3.versionsFrom(1));
        assertThat(r.problems()).isEmpty();
        assertThat(r.keyChanges()).isEmpty();
        assertThat(r.log().number()).isEqualTo(3);
        assertThat(r.log().head()).isEqualTo(v3.head());
        assertThat(v2.reconcile(v3.versionsFrom(2)).log().head()).isEqualTo(v3.head());
        assertThat(v2.reconcile(v3.versionsFrom(3)).log().head()).isEqualTo(v3.head());
    }

    @Test
    void anOlderNewestVersionIsARollback() {
        DirectoryLog.Reconciled r = v3.reconcile(v2.versionsFrom(1));
        assertThat(r.log()).isSameAs(v3);
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.ROLLBACK);
            assertThat(p.message()).contains("newest directory version is 2, older than version 3 that you hold");
        });
        assertThat(v3.reconcile(v1.versions()).problems()).extracting(DirectoryLog.Problem::kind)
                .containsExactly(Kind.ROLLBACK);
    }

    @Test
    void aDifferentVersionAtAHeldNumberIsAFork() {
        // the admin's key signed two different versions 2 (or the server replays one the client never saw)
        DirectoryLog other = sign(v1, Map.of("dave", IdentityKeys.generate("dave").principal()), Set.of(), 2_500);
        DirectoryLog.Reconciled r = v2.reconcile(other.versionsFrom(2));
        assertThat(r.log()).isSameAs(v2);
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.FORK);
            assertThat(p.message()).contains("the server's directory version 2 differs from the one you hold");
        });
        // a fork stays a fork even when the server's branch is longer
        DirectoryLog longer = sign(other, Map.of("carol", carol.principal()), Set.of(), 3_500);
        assertThat(v2.reconcile(longer.versionsFrom(1)).problems()).extracting(DirectoryLog.Problem::kind)
                .containsExactly(Kind.FORK);
        // a different version 1, with another server key
        DirectoryLog otherServer = DirectoryLog.genesis(admin, IdentityKeys.generate("server").principal(),
                Map.of("alice", alice.principal(), "bob", bob.principal()), 1_000);
        assertThat(v1.reconcile(otherServer.versions()).problems()).singleElement()
                .satisfies(p -> assertThat(p.kind()).isEqualTo(Kind.KEY_CHANGED));
    }

    @Test
    void aVersionGivingAKnownUserAnotherKeyWithoutTheAdminsSignatureIsAKeyChangeAlarm() {
        // new: revoke alice and re-add her with the server's key, signed by someone else
        DirectoryVersion swap = next(v3, mallory, Map.of("alice", fakeAlice.principal()), Set.of("alice"));
        DirectoryLog.Reconciled r = v3.reconcile(List.of(v3.version(3), swap));
        assertThat(r.log()).isSameAs(v3);
        assertThat(r.keyChanges()).isEmpty();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.KEY_CHANGED);
            assertThat(p.message()).contains("gives alice another key (" + fakeAlice.principal().fingerprint()
                    + " instead of " + alice.principal().fingerprint() + ") that the admin did not sign");
        });
        // at a number the client holds: an altered version 1 with another key for bob
        DirectoryVersion first = v1.version(1);
        TreeMap<String, Principal> users = new TreeMap<>(first.added());
        users.put("bob", newBob.principal());
        DirectoryVersion altered = new DirectoryVersion(1, DirectoryVersion.NO_PREVIOUS, first.issued(), first.admin(),
                first.server(), users, first.revoked(), first.signature());
        assertThat(v3.reconcile(List.of(altered)).problems()).extracting(DirectoryLog.Problem::kind)
                .containsExactly(Kind.KEY_CHANGED);
        // even a revoked name's key counts as known: a forged re-add of bob is a key change too
        DirectoryVersion readd = next(v3, mallory, Map.of("bob", newBob.principal()), Set.of());
        assertThat(v3.reconcile(List.of(readd)).problems()).extracting(DirectoryLog.Problem::kind)
                .containsExactly(Kind.KEY_CHANGED);
    }

    @Test
    void aForgedNewVersionIsAForkOrAKeyChangeByWhatItDoes() {
        // adds a stranger: nothing known changes, so a fork
        DirectoryVersion forged = next(v3, mallory, Map.of("dave", IdentityKeys.generate("dave").principal()), Set.of());
        DirectoryLog.Reconciled r = v3.reconcile(List.of(v3.version(3), forged));
        assertThat(r.log()).isSameAs(v3);
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.FORK);
            assertThat(p.message()).contains("the server's directory version 4 is refused")
                    .contains("not signed by the admin key");
        });
        // revokes a user: a fork
        DirectoryVersion revoke = next(v3, mallory, Map.of(), Set.of("alice"));
        assertThat(v3.reconcile(List.of(revoke)).problems()).extracting(DirectoryLog.Problem::kind)
                .containsExactly(Kind.FORK);
        // a valid signature over a broken chain: a fork
        DirectoryVersion unchained = DirectoryVersion.sign(admin, 4, v2.head(), 9_000, null,
                new TreeMap<>(Map.of("dave", IdentityKeys.generate("dave").principal())), new TreeSet<>());
        assertThat(v3.reconcile(List.of(unchained)).problems()).extracting(DirectoryLog.Problem::kind)
                .containsExactly(Kind.FORK);
        // valid versions before the first bad one are kept
        DirectoryLog.Reconciled partial = v1.reconcile(List.of(v2.version(2), next(v2, mallory, Map.of(), Set.of("bob"))));
        assertThat(partial.log().number()).isEqualTo(2);
        assertThat(partial.log().head()).isEqualTo(v2.head());
        assertThat(partial.problems()).extracting(DirectoryLog.Problem::kind).containsExactly(Kind.FORK);
    }

    @Test
    void aGapIsAFork() {
        DirectoryLog.Reconciled r = v1.reconcile(v3.versionsFrom(3));
        assertThat(r.log()).isSameAs(v1);
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.FORK);
            assertThat(p.message()).contains("the server's directory skips from version 1 to 3");
        });
    }

    @Test
    void anAdminSignedReAddOfARevokedNameWithAnotherKeyIsAcceptedAsAKeyChange() {
        DirectoryLog v4 = sign(v3, Map.of("bob", newBob.principal()), Set.of(), 4_000);
        DirectoryLog.Reconciled r = v2.reconcile(v4.versionsFrom(2));
        assertThat(r.problems()).isEmpty();
        assertThat(r.log().head()).isEqualTo(v4.head());
        assertThat(r.log().current().user("bob")).contains(newBob.principal());
        assertThat(r.keyChanges()).singleElement().isEqualTo(
                new DirectoryLog.KeyChange("bob", bob.principal(), newBob.principal(), 4));
        // the same in one version (revoke and add together)
        DirectoryLog swapped = sign(v2, Map.of("bob", newBob.principal()), Set.of("bob"), 3_000);
        assertThat(v2.reconcile(swapped.versionsFrom(2)).keyChanges()).singleElement()
                .isEqualTo(new DirectoryLog.KeyChange("bob", bob.principal(), newBob.principal(), 3));
        // re-adding the same key is no key change
        DirectoryLog same = sign(v3, Map.of("bob", bob.principal()), Set.of(), 4_000);
        DirectoryLog.Reconciled again = v3.reconcile(same.versionsFrom(3));
        assertThat(again.problems()).isEmpty();
        assertThat(again.keyChanges()).isEmpty();
        assertThat(again.log().current().user("bob")).contains(bob.principal());
    }
}
