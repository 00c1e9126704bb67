package chat.launcher;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Private key files readable or writable by others are worth a word, as ssh says of an
 * unprotected private key: the password (or, for the server, nothing) is then the only
 * protection left. A warning, not a refusal: the file still works.
 */
final class KeyFileModes {

    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private KeyFileModes() {
    }

    /** Warns on {@code err} if {@code file} exists and others may read or write it. */
    static void warnIfOpen(Path file, PrintWriter err, String what) {
        String warning = openWarning(file, what);
        if (warning != null) {
            err.println(Logging.journalPrefix(java.util.logging.Level.WARNING) + "chat: warning: " + warning);
            err.flush();
        }
    }

    /** The warning sentence if {@code file} exists and others may read or write it, else null. */
    static String openWarning(Path file, String what) {
        try {
            if (!Files.exists(file)) {
                return null;
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            Set<PosixFilePermission> open = EnumSet.copyOf(OTHERS);
            open.retainAll(perms);
            if (!open.isEmpty()) {
                return file + " (" + what + ") can be read or changed by other users (mode "
                        + PosixFilePermissions.toString(perms) + "); make it private: chmod 600 " + file;
            }
        } catch (IOException | UnsupportedOperationException e) {
            // no POSIX permissions here: nothing to check
        }
        return null;
    }
}
