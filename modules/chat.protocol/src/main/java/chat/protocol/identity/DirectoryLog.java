package chat.protocol.identity;

import chat.crypto.AgreementPublicKey;
import chat.crypto.MalformedInputException;
import chat.crypto.SigningPublicKey;
import chat.protocol.Names;
import chat.protocol.json.JsonException;
import chat.protocol.json.JsonValue;
import chat.protocol.json.ObjectBuilder;
import chat.protocol.json.ObjectReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The directory of users as a signed, append-only log (docs/protocol.md, "The directory
 * log"): version 1 names the admin key and the server, every later version adds or revokes
 * users, names the head of the one before and carries the admin's signature. An instance
 * is immutable and always verified (or, for {@link #loadUnchecked}, at least consistent);
 * {@link #append} and {@link #reconcile} return new instances.
 *
 * <p>{@link #current()} folds the log into the {@link Directory} of the users whose keys
 * are valid now.
 */
public final class DirectoryLog {

    public static final String FILE_NAME = "directory.json";
    static final String FORMAT = "chat-directory";
    static final int FILE_VERSION = 2;

    private final List<DirectoryVersion> versions;
    private final List<byte[]> heads;
    private final SigningPublicKey admin;
    private final Principal server;
    /** Users whose key is valid now. */
    private final Map<String, Principal> active;
    /** The newest key each name ever had, revoked or not: what "a user I already know" means. */
    private final Map<String, Principal> known;
    /** The version in which each active user's current key entered. */
    private final Map<String, Long> entered;
    /** The version of each name's latest revocation. */
    private final Map<String, Long> revokedAt;
    private final Directory current;
    private final Map<String, List<Principal>> keysCache = new java.util.concurrent.ConcurrentHashMap<>();

    private DirectoryLog(List<DirectoryVersion> versions, List<byte[]> heads, SigningPublicKey admin, Principal server,
            Map<String, Principal> active, Map<String, Principal> known, Map<String, Long> entered,
            Map<String, Long> revokedAt) {
        this.versions = List.copyOf(versions);
        this.heads = List.copyOf(heads);
        this.admin = admin;
        this.server = server;
        this.active = Collections.unmodifiableMap(new TreeMap<>(active));
        this.known = Map.copyOf(known);
        this.entered = Map.copyOf(entered);
        this.revokedAt = Map.copyOf(revokedAt);
        this.current = new Directory(server, this.active);
    }

    // ---------------------------------------------------------------- building

    /** Verifies a whole log from version 1: numbering, chain, signatures and the add/revoke rules. */
    public static DirectoryLog of(List<DirectoryVersion> versions) throws DirectoryException {
        return build(versions, true);
    }

    private static DirectoryLog build(List<DirectoryVersion> versions, boolean verify) throws DirectoryException {
        if (versions.isEmpty()) {
            throw new DirectoryException("the directory log is empty (it starts with version 1)");
        }
        DirectoryLog log = genesisOf(versions.get(0), verify);
        for (DirectoryVersion v : versions.subList(1, versions.size())) {
            log = log.append(v, verify);
        }
        return log;
    }

    private static DirectoryLog genesisOf(DirectoryVersion v, boolean verify) throws DirectoryException {
        if (v.number() != 1 || v.admin() == null || v.server() == null) {
            throw new DirectoryException("the directory log starts with version " + v.number()
                    + "; it must start with version 1, which names the admin key and the server");
        }
        if (verify && !Arrays.equals(v.previous(), DirectoryVersion.NO_PREVIOUS)) {
            throw new DirectoryException("directory version 1 names a previous version");
        }
        if (verify && !v.verifies(v.admin())) {
            throw new DirectoryException("directory version 1 is not signed by the admin key it names");
        }
        if (!v.revoked().isEmpty()) {
            throw new DirectoryException("directory version 1 revokes users");
        }
        Map<String, Long> entered = new HashMap<>();
        v.added().keySet().forEach(name -> entered.put(name, 1L));
        return new DirectoryLog(List.of(v), List.of(v.head()), v.admin(), v.server(), v.added(), v.added(),
                entered, Map.of());
    }

    /** A new deployment's first version, signed by the admin. */
    public static DirectoryLog genesis(IdentityKeys admin, Principal server, Map<String, Principal> users, long issued) {
        DirectoryVersion v = DirectoryVersion.sign(admin, 1, DirectoryVersion.NO_PREVIOUS, issued, server,
                new TreeMap<>(users), new TreeSet<>());
        try {
            return genesisOf(v, true);
        } catch (DirectoryException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs and appends the next version: revokes first, then adds (so one version can replace a user's key). */
    public DirectoryLog sign(IdentityKeys adminKeys, Map<String, Principal> add, Set<String> revoke, long issued)
            throws DirectoryException {
        if (!adminKeys.signing().publicKey().equals(admin)) {
            throw new DirectoryException("this admin key is not the one that signed this directory (version 1 names "
                    + "another)");
        }
        DirectoryVersion v = DirectoryVersion.sign(adminKeys, number() + 1, head(), issued, null,
                new TreeMap<>(add), new TreeSet<>(revoke));
        return append(v);
    }

    /** Appends the next version after checking it; the log itself is unchanged. */
    public DirectoryLog append(DirectoryVersion v) throws DirectoryException {
        return append(v, true);
    }

    private DirectoryLog append(DirectoryVersion v, boolean verify) throws DirectoryException {
        long expected = number() + 1;
        if (v.number() != expected) {
            throw new DirectoryException("directory version " + v.number() + " follows version " + number()
                    + " (expected " + expected + ")");
        }
        if (v.admin() != null || v.server() != null) {
            throw new DirectoryException("directory version " + v.number() + " names an admin key or a server; only version 1 does");
        }
        if (verify && !Arrays.equals(v.previous(), head())) {
            throw new DirectoryException("directory version " + v.number() + " does not name the head of version "
                    + number() + " as its previous version");
        }
        if (verify && !v.verifies(admin)) {
            throw new DirectoryException("directory version " + v.number() + " is not signed by the admin key");
        }
        if (v.added().isEmpty() && v.revoked().isEmpty()) {
            throw new DirectoryException("directory version " + v.number() + " neither adds nor revokes a user");
        }
        Map<String, Principal> nextActive = new HashMap<>(active);
        Map<String, Principal> nextKnown = new HashMap<>(known);
        Map<String, Long> nextEntered = new HashMap<>(entered);
        Map<String, Long> nextRevoked = new HashMap<>(revokedAt);
        for (String name : v.revoked()) {
            if (nextActive.remove(name) == null) {
                throw new DirectoryException("directory version " + v.number() + " revokes '" + name
                        + "', who is not in the directory");
            }
            nextEntered.remove(name);
            nextRevoked.put(name, v.number());
        }
        for (Principal p : v.added().values()) {
            if (nextActive.containsKey(p.name())) {
                throw new DirectoryException("directory version " + v.number() + " adds '" + p.name()
                        + "', who is in the directory already");
            }
            nextActive.put(p.name(), p);
            nextKnown.put(p.name(), p);
            nextEntered.put(p.name(), v.number());
        }
        List<DirectoryVersion> nextVersions = new ArrayList<>(versions);
        nextVersions.add(v);
        List<byte[]> nextHeads = new ArrayList<>(heads);
        nextHeads.add(v.head());
        return new DirectoryLog(nextVersions, nextHeads, admin, server, nextActive, nextKnown, nextEntered, nextRevoked);
    }

    // ---------------------------------------------------------------- reading

    public long number() {
        return versions.size();
    }

    public byte[] head() {
        return heads.get(heads.size() - 1).clone();
    }

    /** The head of version {@code number} (1-based). */
    public byte[] headAt(long number) {
        return heads.get((int) number - 1).clone();
    }

    public DirectoryVersion version(long number) {
        return versions.get((int) number - 1);
    }

    public List<DirectoryVersion> versions() {
        return versions;
    }

    /** Versions {@code from} (1-based, inclusive) to the newest. */
    public List<DirectoryVersion> versionsFrom(long from) {
        int start = (int) Math.max(0, Math.min(from - 1, versions.size() - 1));
        return versions.subList(start, versions.size());
    }

    public SigningPublicKey admin() {
        return admin;
    }

    public Principal server() {
        return server;
    }

    /** The users whose keys are valid now, and the server. */
    public Directory current() {
        return current;
    }

    /** The version in which an active user's current key entered the directory. */
    public Optional<DirectoryVersion> entered(String user) {
        Long n = entered.get(user);
        return n == null ? Optional.empty() : Optional.of(version(n));
    }

    /** True if the name is not in the directory now but was once (its key was revoked). */
    public boolean isRevoked(String user) {
        return !active.containsKey(user) && revokedAt.containsKey(user);
    }

    /** The version of the name's latest revocation, if it was ever revoked. */
    public Optional<DirectoryVersion> revocation(String user) {
        Long n = revokedAt.get(user);
        return n == null ? Optional.empty() : Optional.of(version(n));
    }

    /** The newest key a name ever had in this log (active or revoked). */
    public Optional<Principal> known(String user) {
        return Optional.ofNullable(known.get(user));
    }

    /**
     * Every key a name ever had, newest first: what verifies the entries it signed before a
     * revocation or a key change (history stays verifiable after a user leaves).
     */
    public List<Principal> keysOf(String user) {
        return keysCache.computeIfAbsent(user, this::collectKeys);
    }

    private List<Principal> collectKeys(String user) {
        List<Principal> out = new ArrayList<>();
        for (int i = versions.size() - 1; i >= 0; i--) {
            Principal p = versions.get(i).added().get(user);
            if (p != null) {
                out.add(p);
            }
        }
        return List.copyOf(out);
    }

    // ---------------------------------------------------------------- what a server serves

    /** A user's key changed by a version the admin signed: shown loudly, like a safety-number change. */
    public record KeyChange(String user, Principal before, Principal after, long number) {
    }

    /** Something a served directory did that a client must raise as an alarm. */
    public record Problem(Kind kind, String message) {
        public enum Kind { ROLLBACK, FORK, KEY_CHANGED }
    }

    /** The outcome of {@link #reconcile}: the newest log that could be verified, and what went wrong. */
    public record Reconciled(DirectoryLog log, List<KeyChange> keyChanges, List<Problem> problems) {
    }

    /**
     * Checks what a server sent (consecutive versions) against this log: versions this log
     * holds must be identical, newer ones must extend it and verify. A served newest version
     * older than this log's is a rollback; a different version at a number this log holds,
     * or one that does not verify, is a fork (a key change, if it gives a known user another
     * key). Verified new versions are kept up to the first problem.
     */
    public Reconciled reconcile(List<DirectoryVersion> served) {
        DirectoryLog log = this;
        List<KeyChange> changes = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (DirectoryVersion s : served) {
            if (s.number() <= log.number()) {
                DirectoryVersion mine = log.version(s.number());
                if (!mine.sameAs(s)) {
                    problems.add(classify(log, s, "the server's directory version " + s.number()
                            + " differs from the one you hold"));
                    return new Reconciled(log, changes, problems);
                }
                continue;
            }
            if (s.number() != log.number() + 1) {
                problems.add(new Problem(Problem.Kind.FORK, "the server's directory skips from version " + log.number()
                        + " to " + s.number()));
                return new Reconciled(log, changes, problems);
            }
            try {
                DirectoryLog next = log.append(s);
                for (Principal p : s.added().values()) {
                    Principal before = log.known.get(p.name());
                    if (before != null && !before.equals(p)) {
                        changes.add(new KeyChange(p.name(), before, p, s.number()));
                    }
                }
                log = next;
            } catch (DirectoryException e) {
                problems.add(classify(log, s, "the server's directory version " + s.number() + " is refused: "
                        + e.getMessage()));
                return new Reconciled(log, changes, problems);
            }
        }
        long newest = served.isEmpty() ? 0 : served.get(served.size() - 1).number();
        if (newest < number()) {
            problems.add(new Problem(Problem.Kind.ROLLBACK, "the server's newest directory version is " + newest
                    + ", older than version " + number() + " that you hold"));
        }
        return new Reconciled(log, changes, problems);
    }

    private static Problem classify(DirectoryLog log, DirectoryVersion s, String what) {
        for (Principal p : s.added().values()) {
            Principal before = log.known.get(p.name());
            if (before != null && !before.equals(p)) {
                return new Problem(Problem.Kind.KEY_CHANGED, what + ": it gives " + p.name() + " another key ("
                        + p.fingerprint() + " instead of " + before.fingerprint() + ") that the admin did not sign");
            }
        }
        if (s.server() != null && !s.server().equals(log.server)) {
            return new Problem(Problem.Kind.KEY_CHANGED, what + ": it gives the server another key");
        }
        return new Problem(Problem.Kind.FORK, what);
    }

    // ---------------------------------------------------------------- files

    /** Loads and verifies a directory file (format chat-directory, version 2). */
    public static DirectoryLog load(Path file) throws IdentityFileException {
        return load(file, true);
    }

    /**
     * Loads a directory file checking its structure and the add/revoke rules but not the
     * admin's signatures or the chain: what a server does, which only stores and serves the
     * log (clients verify it). {@link #verifyProblem} tells what a full check would say.
     */
    public static DirectoryLog loadUnchecked(Path file) throws IdentityFileException {
        return load(file, false);
    }

    /** Why a full verification fails, or empty if the log verifies. */
    public Optional<String> verifyProblem() {
        try {
            of(versions);
            return Optional.empty();
        } catch (DirectoryException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static DirectoryLog load(Path file, boolean verify) throws IdentityFileException {
        ObjectReader root = JsonFiles.read(file, FORMAT, FILE_VERSION, legacyAdvice(file));
        try {
            root.only(Set.of("format", "version", "log"));
            List<DirectoryVersion> versions = new ArrayList<>();
            for (JsonValue v : root.array("log").elements()) {
                if (!(v instanceof JsonValue.JsonObject o)) {
                    throw new JsonException("log: every element is a directory version object", false);
                }
                versions.add(DirectoryVersion.fromJson(o));
            }
            return build(versions, verify);
        } catch (JsonException e) {
            throw JsonFiles.malformed(file, e);
        } catch (DirectoryException e) {
            throw new IdentityFileException(IdentityFileException.Reason.MALFORMED, file, e.getMessage());
        }
    }

    static String legacyAdvice(Path file) {
        return "this directory was written by an older chat (directory format 1, not signed by an admin key). "
                + "On the machine that holds the keys folder, run: chat user upgrade --dir KEYS ; then use the "
                + "directory.json it writes (KEYS/directory.json) in place of " + file;
    }

    public JsonValue.JsonObject toJson() {
        List<JsonValue> log = new ArrayList<>();
        versions.forEach(v -> log.add(v.toJson()));
        return ObjectBuilder.create().put("format", FORMAT).put("version", FILE_VERSION)
                .put("log", new JsonValue.JsonArray(log)).build();
    }

    /** Writes a new file (it must not exist). */
    public void write(Path file) throws IOException {
        JsonFiles.create(file, toJson(), false);
    }

    /** Replaces the file atomically (a new file renamed over the old), so readers see the old or the new log, whole. */
    public void replace(Path file) throws IOException {
        JsonFiles.replace(file, toJson(), false);
    }

    /** Reads a format-1 directory (server and users, unsigned), for {@code chat user upgrade}. */
    public static Directory readLegacy(Path file) throws IdentityFileException {
        ObjectReader root = JsonFiles.read(file, FORMAT, 1, null);
        try {
            Principal server = legacyPrincipal(root.object("server"), "server");
            Map<String, Principal> users = new TreeMap<>();
            ObjectReader list = root.object("users");
            for (String name : list.names()) {
                String problem = Names.userProblem(name);
                if (problem != null) {
                    throw new JsonException(problem, false);
                }
                users.put(name, legacyPrincipal(list.object(name), name));
            }
            return new Directory(server, users);
        } catch (JsonException | MalformedInputException e) {
            throw JsonFiles.malformed(file, e);
        }
    }

    private static Principal legacyPrincipal(ObjectReader r, String name) throws JsonException, MalformedInputException {
        r.only(Set.of("signingKey", "agreementKey", "fingerprint"));
        Principal p = new Principal(name, SigningPublicKey.of(r.bytes("signingKey", SigningPublicKey.LENGTH)),
                AgreementPublicKey.of(r.bytes("agreementKey", AgreementPublicKey.LENGTH)));
        if (!r.string("fingerprint").equals(p.fingerprint())) {
            throw new JsonException(name + ": listed fingerprint does not match the keys", false);
        }
        return p;
    }

    /** Names revoked now. */
    public SortedSet<String> revokedNames() {
        SortedSet<String> out = new TreeSet<>();
        for (String name : revokedAt.keySet()) {
            if (!active.containsKey(name)) {
                out.add(name);
            }
        }
        return out;
    }
}
