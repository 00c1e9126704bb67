package chat.client.spi;

import chat.client.LoginException;

/** The exit codes frontends return, the same as the {@code chat} command's (docs/user-guide.md). */
public final class ExitStatus {

    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int AUTH = 3;
    public static final int UNREACHABLE = 4;
    /** Stopped by Ctrl-C (SIGINT) or end of input before logging in. */
    public static final int INTERRUPTED = 130;

    private ExitStatus() {
    }

    /** The exit code for a failed login: 3 for a wrong password, a server key or a revoked key, 4 unreachable, 1 otherwise. */
    public static int of(LoginException e) {
        return switch (e.reason()) {
            case WRONG_PASSWORD, SERVER_KEY_MISMATCH, REVOKED -> AUTH;
            case UNREACHABLE -> UNREACHABLE;
            case REFUSED, LOCAL_STATE -> FAILURE;
        };
    }
}
