package chat.server;

import chat.crypto.Argon2Params;
import chat.protocol.identity.BundleLayout;
import chat.protocol.identity.Directory;
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

/**
 * A generated tree like {@code chat generate} writes (cheap Argon2 parameters), with the
 * users' private keys kept in memory so tests can play every user.
 */
final class Bundle {

    private static final Argon2Params CHEAP = new Argon2Params(1024, 1, 1);

    final Path root;
    final Directory directory;
    final Map<String, IdentityKeys> keys;

    private Bundle(Path root, Directory directory, Map<String, IdentityKeys> keys) {
        this.root = root;
        this.directory = directory;
        this.keys = keys;
    }

    static Bundle generate(Path root, String... users) {
        IdentityKeys server = IdentityKeys.generate("server");
        Map<String, IdentityKeys> keys = new LinkedHashMap<>();
        List<BundleLayout.UserEntry> entries = new ArrayList<>();
        Map<String, Principal> principals = new LinkedHashMap<>();
        for (String user : users) {
            IdentityKeys k = IdentityKeys.generate(user);
            keys.put(user, k);
            principals.put(user, k.principal());
            entries.add(new BundleLayout.UserEntry(user, UserKeyFile.seal(k, ("pw-" + user).toCharArray(), CHEAP)));
        }
        Directory directory = new Directory(server.principal(), principals);
        try {
            java.nio.file.Files.createDirectories(root);
            BundleLayout.write(root, directory, server, entries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Bundle(root, directory, Map.copyOf(keys));
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
