package chat.launcher;

import java.util.OptionalInt;

/** Entry point of the {@code chat} command; the exit codes are listed in {@link chat.client.spi.ExitStatus}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (Boolean.getBoolean(QuickAnswer.TRAINING)) {
            QuickAnswer.train();
        }
        OptionalInt quick = QuickAnswer.answer(args, System.out);
        int code = quick.isPresent() ? quick.getAsInt() : ChatCommand.execute(args);
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }
}
