package chat.frontend.cli;

import java.util.Locale;

/**
 * When a message calls for your attention: it mentions you ({@link Mentions}), or it arrives
 * in a channel you are not looking at. Never for your own messages, nor for what the login
 * replays (the caller passes only live messages). {@link Mode} is switched with /notify.
 */
final class Notifier {

    /** What rings: everything that calls for attention, mentions only, or nothing. */
    enum Mode {
        ON, MENTIONS, OFF;

        /** on, mentions or off (any case); null for anything else. */
        static Mode parse(String word) {
            return switch (word.toLowerCase(Locale.ROOT)) {
                case "on" -> ON;
                case "mentions" -> MENTIONS;
                case "off" -> OFF;
                default -> null;
            };
        }

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a message gets: a bell and a desktop notification, or nothing. */
    enum Alert { NONE, MENTION, ELSEWHERE }

    private final Mentions mentions;
    private volatile Mode mode = Mode.ON;

    Notifier(Mentions mentions) {
        this.mentions = mentions;
    }

    Mode mode() {
        return mode;
    }

    void mode(Mode mode) {
        this.mode = mode;
    }

    /** The alert for a live message from {@code from} in {@code channel} while {@code current} is shown. */
    Alert decide(String channel, String text, boolean mine, String current) {
        if (mine || mode == Mode.OFF) {
            return Alert.NONE;
        }
        if (mentions.in(text)) {
            return Alert.MENTION;
        }
        return mode == Mode.ON && !channel.equals(current) ? Alert.ELSEWHERE : Alert.NONE;
    }
}
