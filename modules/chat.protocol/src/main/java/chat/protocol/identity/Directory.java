package chat.protocol.identity;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The users whose keys are valid at one version of the {@link DirectoryLog}, and the
 * server's keys: how a client knows the server's key and everyone's keys. Every bundle
 * carries the log ({@code directory.json}); this is its current state.
 */
public record Directory(Principal server, Map<String, Principal> users) {

    public static final String FILE_NAME = "directory.json";
    static final String FORMAT = "chat-directory";

    public Directory {
        users = Collections.unmodifiableMap(new TreeMap<>(users));
    }

    public Optional<Principal> user(String name) {
        return Optional.ofNullable(users.get(name));
    }

    /** Loads and verifies a directory file and returns the users valid in its newest version. */
    public static Directory load(Path file) throws IdentityFileException {
        return DirectoryLog.load(file).current();
    }
}
