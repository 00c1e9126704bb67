package chat.launcher;

/** The exit codes of {@code chat}, documented in docs/user-guide.md. */
public final class ExitCodes {

    /** Success. */
    public static final int OK = 0;
    /** A runtime failure: I/O error, damaged file, lost server, failed operation. */
    public static final int FAILURE = 1;
    /** Bad usage: unknown option, missing argument, invalid value. */
    public static final int USAGE = 2;
    /** Login refused: wrong password, or the server is not the one the directory names. */
    public static final int AUTH = 3;
    /** The server could not be reached. */
    public static final int UNREACHABLE = 4;
    /** Stopped by Ctrl-C (SIGINT) before finishing. */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }
}
