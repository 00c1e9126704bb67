package chat.launcher;

/** Entry point of the {@code chat} command; the exit codes are listed in {@link chat.client.spi.ExitStatus}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        int code = ChatCommand.execute(args);
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }
}
