package chat.frontend.cli;

import chat.client.CommandException;
import chat.protocol.ErrorCode;
import java.util.concurrent.CompletionException;

/**
 * Turns a refused command into a sentence a person understands, by the protocol's error
 * code; a local refusal (no code: the client refused before sending) has a message that
 * is already a sentence.
 */
final class Refusal {

    private Refusal() {
    }

    /**
     * The sentence for a refusal of a command about {@code channel} (and {@code user}, for
     * an invitation; may be null).
     */
    static String explain(Throwable failure, String channel, String user) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (!(cause instanceof CommandException refused)) {
            return "That failed: " + sentence(String.valueOf(cause.getMessage()));
        }
        String message = refused.getMessage() == null ? refused.code() : refused.getMessage();
        ErrorCode code = refused.errorCode().orElse(null);
        return switch (code) {
            case null -> sentence(message);
            case NOT_MEMBER -> message.contains("read-only") ? sentence(message)
                    : "You are not a member of #" + channel + ".";
            case NOT_ADMIN, BAD_SUBJECT -> sentence(message);
            case CHANNEL_EXISTS -> "Channel #" + channel + " already exists. If someone else made it, ask them to"
                    + " /invite you.";
            case NO_SUCH_CHANNEL -> "There is no channel #" + channel + ". /channels lists yours; /create "
                    + channel + " makes it.";
            case ALREADY_MEMBER -> (user == null ? "They are" : user + " is") + " already a member of #" + channel + ".";
            case UNKNOWN_INVITEE -> "There is no user " + (user == null ? "of that name" : user)
                    + " in the directory.";
            case LIMIT_EXCEEDED -> "The server does not take that: " + sentence(message);
            case WRONG_EPOCH, BAD_VIEW -> "The channel changed while this was on its way; please try again.";
            default -> "The server refused that: " + sentence(message);
        };
    }

    /** Starts with a capital letter and ends with a full stop. */
    static String sentence(String text) {
        if (text.isEmpty()) {
            return text;
        }
        String s = Character.toUpperCase(text.charAt(0)) + text.substring(1);
        return s.endsWith(".") || s.endsWith("!") || s.endsWith("?") ? s : s + ".";
    }
}
