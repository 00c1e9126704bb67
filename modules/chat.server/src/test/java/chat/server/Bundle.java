package chat.server;

import chat.crypto.Argon2Params;
import chat.protocol.identity.BundleLayout;
import chat.protocol.identity.Directory;
import chat.protocol.identity.DirectoryException;
import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.Principal;
import chat.protocol.identity.UserKeyFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A generated tree like {@code chat generate} writes (cheap Argon2 parameters), with the
 * users' and the admin's private keys kept in memory so tests can play every user and
 * publish new directory versions ({@link #publish}) into the server's directory.json.
 */
final class Bundle {

    private static final Argon2Params CHEAP = new Argon2Params(1024, 1, 1);

    final Path root;
    /** The directory of version 1. */
    final Directory directory;
    final Map<String, IdentityKeys> keys;
    final IdentityKeys admin;
    /** The newest log published with {@link #publish}; what the server's directory.json holds. */
    private volatile DirectoryLog log;

    private Bundle(Path root, DirectoryLog log, Map<String, IdentityKeys> keys, IdentityKeys admin) {
        this.root = root;
        this.directory = log.current();
        this.log = log;
        this.keys = keys;
        this.admin = admin;
    }

    static Bundle generate(Path root, String... users) {
        IdentityKeys server = IdentityKeys.generate("server");
        IdentityKeys admin = IdentityKeys.generate("admin");
        Map<String, IdentityKeys> keys = new ConcurrentHashMap<>();
        List<BundleLayout.UserEntry> entries = new ArrayList<>();
        Map<String, Principal> principals = new LinkedHashMap<>();
        for (String user : users) {
            IdentityKeys k = IdentityKeys.generate(user);
            keys.put(user, k);
            principals.put(user, k.principal());
            entries.add(new BundleLayout.UserEntry(user, UserKeyFile.seal(k, ("pw-" + user).toCharArray(), CHEAP)));
        }
        DirectoryLog log = DirectoryLog.genesis(admin, server.principal(), principals, System.currentTimeMillis());
        try {
            java.nio.file.Files.createDirectories(root);
            BundleLayout.write(root, log, UserKeyFile.sealAdmin(admin, "pw-admin".toCharArray(), CHEAP), server, entries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Bundle(root, log, keys, admin);
    }

    /** The newest published log. */
    DirectoryLog log() {
        return log;
    }

    /** The users valid in the newest published version: what a client that follows the server's log holds. */
    Directory current() {
        return log.current();
    }

    /**
     * Every user the newest log ever named, with their newest key, revoked ones included:
     * what test clients check signatures with (a revoked member's earlier entries still
     * verify) and take invitees' keys from (so a test can try to invite a revoked user).
     */
    Directory everyone() {
        DirectoryLog now = log;
        Map<String, Principal> users = new java.util.TreeMap<>(now.current().users());
        for (String name : now.revokedNames()) {
            now.known(name).ifPresent(p -> users.put(name, p));
        }
        return new Directory(now.server(), users);
    }

    /**
     * Signs the next version (adding and revoking users) and writes it, atomically, to the
     * server's directory.json, as {@code chat user add} does; a running server picks it up.
     */
    synchronized DirectoryLog publish(Map<String, Principal> add, Set<String> revoke) {
        try {
            DirectoryLog next = log.sign(admin, add, revoke, System.currentTimeMillis());
            next.replace(serverDir().resolve(DirectoryLog.FILE_NAME));
            log = next;
            return next;
        } catch (DirectoryException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes keys for a new user and publishes a version that adds them. */
    IdentityKeys addUser(String name) {
        IdentityKeys k = IdentityKeys.generate(name);
        keys.put(name, k);
        publish(Map.of(name, k.principal()), Set.of());
        return k;
    }

    /** Publishes a version that revokes {@code name}'s key. */
    DirectoryLog revoke(String name) {
        return publish(Map.of(), Set.of(name));
    }

    /** Writes {@code older} over the server's directory.json (a rollback, or a backup put back). */
    void writeServerLog(DirectoryLog older) {
        try {
            older.replace(serverDir().resolve(DirectoryLog.FILE_NAME));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path serverDirectoryFile() {
        return serverDir().resolve(DirectoryLog.FILE_NAME);
    }

    Path serverDir() {
        return root.resolve(BundleLayout.SERVER_DIR);
    }

    IdentityKeys user(String name) {
        return keys.get(name);
    }

    /** Loopback, an OS-chosen port, data under {@code data}, test-friendly limits unless changed. */
    ServerConfig config(Path data) {
        return ServerConfig.defaults(serverDir()).withDataDir(data).withListen(new InetSocketAddress("127.0.0.1", 0));
    }

    static ServerConfig with(ServerConfig c, int maxConnections, int maxPerUser, Duration handshake, Duration idle,
                             int queue) {
        return new ServerConfig(c.bundleDir(), c.dataDir(), c.listen(), c.limits(), maxConnections, maxPerUser,
                handshake, idle, queue, c.maxChannelsPerUser());
    }
}
