package chat.server.internal;

/**
 * Text that came from a client, made safe for a log line or an error reply: at most
 * {@code max} characters, control characters (newlines included) replaced, so a client
 * can neither flood the log nor forge lines in it.
 */
final class LogText {

    static final int DEFAULT_MAX = 300;

    private LogText() {
    }

    static String clip(String text, int max) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 16);
        for (int i = 0; i < text.length() && out.length() < max; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        if (text.length() > max) {
            out.append("... (").append(text.length()).append(" chars)");
        }
        return out.toString();
    }

    static String clip(String text) {
        return clip(text, DEFAULT_MAX);
    }
}
