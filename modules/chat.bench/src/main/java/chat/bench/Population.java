package chat.bench;

import chat.protocol.identity.BundleLayout;
import chat.protocol.identity.Directory;
import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.Principal;
import chat.protocol.identity.ServerKeyFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The users of a run and the server bundle that lists them. The generator holds every
 * user's keys in memory and writes only what the server reads ({@code server/directory.json}
 * and {@code server/server.key}, the layout {@code chat generate} makes), through the same
 * {@code chat.protocol.identity} classes. No user key file is written, so no password is
 * stretched: {@code chat generate} spends about 0.2 s of Argon2id per user, which would make
 * a run of 10,000 users start with half an hour of key files nobody reads. Key generation
 * (Ed25519 + X25519) is cheap enough to redo every run, so nothing is cached.
 */
final class Population {

    private final List<IdentityKeys> users;
    private final Map<String, Integer> indexOf;
    private final Directory directory;
    private final Path serverBundle;

    private Population(List<IdentityKeys> users, Directory directory, Path serverBundle) {
        this.users = users;
        this.directory = directory;
        this.serverBundle = serverBundle;
        this.indexOf = new HashMap<>();
        for (int i = 0; i < users.size(); i++) {
            indexOf.put(users.get(i).name(), i);
        }
    }

    /** Generates {@code count} users named u00000, u00001, ... and writes the server bundle under {@code root}. */
    static Population create(int count, Path root) throws IOException {
        List<IdentityKeys> users = IntStream.range(0, count).parallel()
                .mapToObj(i -> IdentityKeys.generate(name(i))).toList();
        IdentityKeys server = IdentityKeys.generate("server");
        Map<String, Principal> principals = new LinkedHashMap<>();
        for (IdentityKeys u : users) {
            principals.put(u.name(), u.principal());
        }
        // the load generator plays every user; the admin key only signs the directory and is thrown away
        IdentityKeys admin = IdentityKeys.generate("admin");
        DirectoryLog log = DirectoryLog.genesis(admin, server.principal(), principals, System.currentTimeMillis());
        admin.destroy();
        Directory directory = log.current();
        Path dir = Files.createDirectories(root.resolve(BundleLayout.SERVER_DIR));
        log.write(dir.resolve(DirectoryLog.FILE_NAME));
        ServerKeyFile.write(server, dir.resolve(ServerKeyFile.FILE_NAME));
        server.destroy();
        return new Population(users, directory, dir);
    }

    static String name(int index) {
        return String.format("u%05d", index);
    }

    int size() {
        return users.size();
    }

    IdentityKeys keys(int index) {
        return users.get(index);
    }

    Principal principal(int index) {
        return directory.users().get(users.get(index).name());
    }

    Principal server() {
        return directory.server();
    }

    /** The index of a user of this population, or -1. */
    int indexOf(String user) {
        Integer i = indexOf.get(user);
        return i == null ? -1 : i;
    }

    /** The folder to give {@code chat server --dir}. */
    Path serverBundle() {
        return serverBundle;
    }
}
