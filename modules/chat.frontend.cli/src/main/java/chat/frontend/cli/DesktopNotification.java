package chat.frontend.cli;

import java.util.Locale;
import java.util.Map;

/**
 * The escape sequence that makes a terminal show a desktop notification, for the terminals
 * known to show one: OSC 777 ({@code ESC ] 777 ; notify ; title ; body ESC \}: rxvt-unicode,
 * foot, WezTerm, VTE-based terminals that carry the patch) or OSC 9 ({@code ESC ] 9 ; body
 * ESC \}: iTerm2, kitty). Anywhere else nothing is sent beyond the bell: an unknown OSC is
 * meant to be ignored, but tmux and some terminals print or swallow it. {@code
 * CHAT_NOTIFY_OSC} (777, 9 or none) overrides the guess; inside tmux, which does not pass
 * OSC sequences on by default, the guess is none.
 */
enum DesktopNotification {
    OSC_777, OSC_9, NONE;

    /** At most this many characters of a message go into a notification. */
    static final int BODY = 120;

    static DesktopNotification forTerminal(Map<String, String> env) {
        String chosen = env.getOrDefault("CHAT_NOTIFY_OSC", "").strip().toLowerCase(Locale.ROOT);
        switch (chosen) {
            case "777" -> {
                return OSC_777;
            }
            case "9" -> {
                return OSC_9;
            }
            case "none", "off" -> {
                return NONE;
            }
            default -> { }
        }
        if (env.containsKey("TMUX")) {
            return NONE;
        }
        String program = env.getOrDefault("TERM_PROGRAM", "");
        String term = env.getOrDefault("TERM", "");
        if (program.equals("iTerm.app") || term.equals("xterm-kitty")) {
            return OSC_9;
        }
        if (program.equals("WezTerm") || term.startsWith("foot") || term.startsWith("rxvt-unicode")
                || env.containsKey("VTE_VERSION")) {
            return OSC_777;
        }
        return NONE;
    }

    /** The sequence for a notification; empty for {@link #NONE}. Title and body are made safe for it. */
    String sequence(String title, String body) {
        String t = safe(title, 60).replace(';', ',');
        String b = safe(body, BODY);
        return switch (this) {
            case OSC_777 -> "\u001b]777;notify;" + t + ";" + b + "\u001b\\";
            case OSC_9 -> "\u001b]9;" + t + ": " + b + "\u001b\\";
            case NONE -> "";
        };
    }

    /** One line, no control characters (an ESC or BEL would end the sequence early), at most {@code max} characters. */
    private static String safe(String text, int max) {
        String line = LineFormat.clean(text).replace('\n', ' ').replace("\uFFFD", "?");
        return LineFormat.shortened(line, max);
    }
}
