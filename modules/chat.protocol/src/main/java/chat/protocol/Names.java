package chat.protocol;

import java.util.regex.Pattern;

/**
 * The rules for user and channel names. Both are ASCII letters, digits, '.', '_' and '-'
 * (user names 1-32 characters, channel names 1-64), and not made only of dots, because
 * user names become folder names ({@code users/<name>/}). Names are case-sensitive.
 */
public final class Names {

    public static final int MAX_USER = 32;
    public static final int MAX_CHANNEL = 64;

    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._-]{1,32}");
    private static final Pattern CHANNEL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern DOTS = Pattern.compile("\\.+");

    private Names() {
    }

    public static boolean isValidUser(String name) {
        return name != null && USER.matcher(name).matches() && !DOTS.matcher(name).matches();
    }

    public static boolean isValidChannel(String name) {
        return name != null && CHANNEL.matcher(name).matches() && !DOTS.matcher(name).matches();
    }

    /** Why {@code name} is not a valid user name, or null when it is. */
    public static String userProblem(String name) {
        if (isValidUser(name)) {
            return null;
        }
        return "invalid user name '" + name + "': use 1-" + MAX_USER
                + " letters, digits, '.', '_' or '-' (not only dots)";
    }

    /** Why {@code name} is not a valid channel name, or null when it is. */
    public static String channelProblem(String name) {
        if (isValidChannel(name)) {
            return null;
        }
        return "invalid channel name '" + name + "': use 1-" + MAX_CHANNEL
                + " letters, digits, '.', '_' or '-' (not only dots)";
    }
}
