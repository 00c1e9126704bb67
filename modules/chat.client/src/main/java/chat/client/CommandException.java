package chat.client;

import chat.protocol.ErrorCode;
import java.util.Objects;
import java.util.Optional;

/**
 * A command was refused: by the server, or by the client before sending because the
 * server would refuse it ({@link #errorCode()} is the protocol's code, e.g.
 * {@link ErrorCode#NOT_MEMBER}), or by the client for a reason of its own
 * ({@link #local(String)}: no protocol code, {@link #code()} is {@value #LOCAL}).
 */
public final class CommandException extends Exception {

    /** {@link #code()} of a refusal that has no protocol error code. */
    public static final String LOCAL = "local";

    private final ErrorCode errorCode;

    /** A refusal with the protocol's error code {@code code}. */
    public CommandException(ErrorCode code, String message) {
        super(message);
        this.errorCode = Objects.requireNonNull(code, "code");
    }

    private CommandException(String message) {
        super(message);
        this.errorCode = null;
    }

    /** A refusal by the client for a reason the protocol has no code for. */
    public static CommandException local(String message) {
        return new CommandException(message);
    }

    /** The same refusal (the same code, or local) with another message. */
    public CommandException withMessage(String message) {
        return errorCode == null ? local(message) : new CommandException(errorCode, message);
    }

    /** The protocol's error code; empty for a local refusal. */
    public Optional<ErrorCode> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    /** The code as frontends print it: the protocol's wire name, or {@value #LOCAL}. */
    public String code() {
        return errorCode == null ? LOCAL : errorCode.wireName();
    }
}
