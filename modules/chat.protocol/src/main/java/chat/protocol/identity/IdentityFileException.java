package chat.protocol.identity;

import java.nio.file.Path;

/**
 * An identity file that cannot be used. {@link Reason} tells a missing file from a damaged
 * one and from a wrong password, so the command line can say which.
 */
public final class IdentityFileException extends Exception {

    public enum Reason { MISSING, UNREADABLE, MALFORMED, WRONG_PASSWORD, OUTDATED, REVOKED }

    private final Reason reason;
    private final Path file;

    public IdentityFileException(Reason reason, Path file, String message) {
        super(file + ": " + message);
        this.reason = reason;
        this.file = file;
    }

    public Reason reason() {
        return reason;
    }

    public Path file() {
        return file;
    }
}
