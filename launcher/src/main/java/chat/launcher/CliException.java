package chat.launcher;

import chat.client.spi.ExitStatus;

/**
 * A failure a command reports to the person who ran it: a sentence, and the exit code.
 * {@link ChatCommand} prints "chat: MESSAGE" on standard error and exits with the code.
 */
public class CliException extends RuntimeException {

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static CliException usage(String message) {
        return new CliException(ExitStatus.USAGE, message);
    }

    public static CliException failure(String message) {
        return new CliException(ExitStatus.FAILURE, message);
    }
}
