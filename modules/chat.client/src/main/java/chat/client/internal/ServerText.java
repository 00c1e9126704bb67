package chat.client.internal;

/**
 * Text the server chose (error messages, refusal reasons), made safe before it reaches a
 * frontend, a terminal or a log: control characters (escape sequences, newlines) and
 * bidirectional overrides become '?', and it is cut to a few hundred characters. During
 * the handshake such text is not even authenticated.
 */
final class ServerText {

    private static final int MAX = 500;

    private ServerText() {
    }

    static String clean(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX));
        for (int i = 0; i < text.length() && out.length() < MAX; i++) {
            char c = text.charAt(i);
            boolean unsafe = Character.isISOControl(c) || (c >= '\u202a' && c <= '\u202e')
                    || (c >= '\u2066' && c <= '\u2069') || c == '\u061c' || c == '\u200e' || c == '\u200f'
                    || c == '\u2028' || c == '\u2029';
            out.append(unsafe ? '?' : c);
        }
        if (text.length() > MAX) {
            out.append("...");
        }
        return out.toString();
    }
}
