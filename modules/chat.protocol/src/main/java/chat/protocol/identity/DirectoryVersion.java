package chat.protocol.identity;

import chat.crypto.AgreementPublicKey;
import chat.crypto.MalformedInputException;
import chat.crypto.Sha256;
import chat.crypto.SigningPublicKey;
import chat.protocol.Names;
import chat.protocol.json.JsonException;
import chat.protocol.json.JsonValue;
import chat.protocol.json.ObjectBuilder;
import chat.protocol.json.ObjectReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One version of the directory log (docs/protocol.md, "The directory log"): numbered,
 * naming the head of the version before it, adding and revoking users, signed by the admin
 * key. Version 1 also names the admin key and the server's keys; later versions name
 * neither. A version is exactly its canonical JSON: parsing is strict, so the bytes that
 * are hashed and signed are the bytes every holder re-encodes.
 */
public record DirectoryVersion(long number, byte[] previous, long issued, SigningPublicKey admin, Principal server,
        SortedMap<String, Principal> added, SortedSet<String> revoked, byte[] signature) {

    public static final String PURPOSE = "chat-v1/directory";
    public static final String HEAD_PURPOSE = "chat-v1/directory-head";
    public static final int HASH_LENGTH = Sha256.LENGTH;
    /** The {@code previous} of version 1. */
    public static final byte[] NO_PREVIOUS = new byte[HASH_LENGTH];
    private static final long MAX_NUMBER = JsonValue.MAX_SAFE_INTEGER;
    private static final Set<String> FIELDS = Set.of("number", "previous", "issued", "admin", "server", "add",
            "revoke", "signature");
    private static final Set<String> KEYS = Set.of("signingKey", "agreementKey");

    public DirectoryVersion {
        added = Collections.unmodifiableSortedMap(new TreeMap<>(added));
        revoked = Collections.unmodifiableSortedSet(new TreeSet<>(revoked));
    }

    /** Signs a new version with the admin's keys. */
    public static DirectoryVersion sign(IdentityKeys admin, long number, byte[] previous, long issued,
            Principal server, SortedMap<String, Principal> added, SortedSet<String> revoked) {
        DirectoryVersion unsigned = new DirectoryVersion(number, previous, issued,
                number == 1 ? admin.signing().publicKey() : null, number == 1 ? server : null, added, revoked, null);
        return unsigned.withSignature(admin.signing().sign(unsigned.signedForm()));
    }

    public DirectoryVersion withSignature(byte[] signature) {
        return new DirectoryVersion(number, previous, issued, admin, server, added, revoked, signature);
    }

    /** What the admin signs: every field but the signature, under the purpose chat-v1/directory. */
    public byte[] signedForm() {
        return body(ObjectBuilder.create().put("purpose", PURPOSE)).canonical();
    }

    /** The version's head: SHA-256 of the canonical {purpose: chat-v1/directory-head, version: <the whole version>}. */
    public byte[] head() {
        return Sha256.hash(ObjectBuilder.create().put("purpose", HEAD_PURPOSE).put("version", toJson()).canonical());
    }

    public boolean verifies(SigningPublicKey adminKey) {
        return signature != null && adminKey.verify(signedForm(), signature);
    }

    public JsonValue.JsonObject toJson() {
        return body(ObjectBuilder.create()).put("signature", signature).build();
    }

    private ObjectBuilder body(ObjectBuilder b) {
        ObjectBuilder add = ObjectBuilder.create();
        for (Principal p : added.values()) {
            add.put(p.name(), keys(p));
        }
        List<JsonValue> revoke = new ArrayList<>();
        for (String name : revoked) {
            revoke.add(new JsonValue.JsonString(name));
        }
        b.put("number", number).put("previous", previous).put("issued", issued)
                .put("add", add).put("revoke", new JsonValue.JsonArray(revoke));
        if (admin != null) {
            b.put("admin", admin.bytes());
        }
        if (server != null) {
            b.put("server", keys(server));
        }
        return b;
    }

    private static ObjectBuilder keys(Principal p) {
        return ObjectBuilder.create().put("signingKey", p.signingKey().bytes()).put("agreementKey", p.agreementKey().bytes());
    }

    /** Parses one version strictly (every field, exact lengths, valid names); the signature is not checked here. */
    public static DirectoryVersion fromJson(JsonValue.JsonObject object) throws JsonException {
        ObjectReader r = ObjectReader.of(object, "directory version").only(FIELDS);
        long number = r.integer("number", 1, MAX_NUMBER);
        try {
            SigningPublicKey admin = r.has("admin") ? SigningPublicKey.of(r.bytes("admin", SigningPublicKey.LENGTH)) : null;
            Principal server = r.has("server") ? principal(r.object("server"), "server") : null;
            if ((number == 1) != (admin != null) || (number == 1) != (server != null)) {
                throw new JsonException("directory version " + number + ": "
                        + (number == 1 ? "version 1 names the admin key and the server" : "only version 1 names the admin key and the server"), false);
            }
            SortedMap<String, Principal> added = new TreeMap<>();
            ObjectReader add = r.object("add");
            for (String name : add.names()) {
                String problem = Names.userProblem(name);
                if (problem != null) {
                    throw new JsonException("directory version " + number + ": " + problem, false);
                }
                added.put(name, principal(add.object(name), name));
            }
            SortedSet<String> revoked = new TreeSet<>();
            List<String> order = new ArrayList<>();
            for (JsonValue v : r.array("revoke").elements()) {
                if (!(v instanceof JsonValue.JsonString s) || !Names.isValidUser(s.value())) {
                    throw new JsonException("directory version " + number + ": 'revoke' holds user names only", false);
                }
                if (!revoked.add(s.value())) {
                    throw new JsonException("directory version " + number + ": '" + s.value() + "' is revoked twice", false);
                }
                order.add(s.value());
            }
            if (!order.equals(new ArrayList<>(revoked))) {
                throw new JsonException("directory version " + number + ": 'revoke' must be sorted", false);
            }
            return new DirectoryVersion(number, r.bytes("previous", HASH_LENGTH), r.integer("issued", 0, MAX_NUMBER),
                    admin, server, added, revoked, r.bytes("signature", SigningPublicKey.SIGNATURE_LENGTH));
        } catch (MalformedInputException e) {
            throw new JsonException("directory version " + number + ": " + e.getMessage(), false);
        }
    }

    private static Principal principal(ObjectReader r, String name) throws JsonException, MalformedInputException {
        r.only(KEYS);
        return new Principal(name, SigningPublicKey.of(r.bytes("signingKey", SigningPublicKey.LENGTH)),
                AgreementPublicKey.of(r.bytes("agreementKey", AgreementPublicKey.LENGTH)));
    }

    /** Equal as the bytes every holder hashes. */
    public boolean sameAs(DirectoryVersion other) {
        return java.util.Arrays.equals(head(), other.head());
    }
}
