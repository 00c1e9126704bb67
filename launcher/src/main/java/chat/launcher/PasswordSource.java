package chat.launcher;

import chat.client.spi.ExitStatus;
import chat.crypto.Argon2Params;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where passwords come from: a hidden prompt on the terminal, or a file of
 * {@code user:password} lines ({@code -} for standard input) for scripts. Passwords are
 * never taken from the command line, where other users could read them in {@code ps}.
 * A password that seals a new key must have at least {@link #MIN_LENGTH} characters; a
 * file of passwords that others may read is worth a warning.
 */
final class PasswordSource {

    private PasswordSource() {
    }

    /**
     * The fewest characters (Unicode code points) a password that seals a new key may have.
     * Keys sealed earlier with a shorter one still open: only new keys are refused.
     */
    static final int MIN_LENGTH = 8;

    /** Where the admin key's password may be given as a line of a users file (not a user: '@' is not valid in names). */
    static final String ADMIN_LINE = "@admin:";

    /** A users file: the users' passwords in file order, and the admin's password if an {@code @admin:} line gave one. */
    record UsersFile(Map<String, char[]> users, char[] admin) {
        void clear() {
            users.values().forEach(p -> Arrays.fill(p, '\0'));
            if (admin != null) {
                Arrays.fill(admin, '\0');
            }
        }
    }

    /**
     * Reads {@code user:password} lines, and at most one {@code @admin:PASSWORD} line;
     * blank lines and lines starting with '#' are skipped.
     */
    static UsersFile readUsersFile(String source, PrintWriter err) {
        if (!"-".equals(source)) {
            warnIfOpen(Path.of(source), err);
        }
        Map<String, char[]> out = new LinkedHashMap<>();
        char[] admin = null;
        String label = label(source);
        try (BufferedReader reader = "-".equals(source)
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(source), StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("@")) {
                    if (!line.startsWith(ADMIN_LINE)) {
                        throw CliException.usage(label + " line " + number
                                + ": the only line starting with '@' is '@admin:PASSWORD' (the admin key's password)");
                    }
                    if (admin != null) {
                        throw CliException.usage(label + " line " + number + ": '@admin:' is given twice");
                    }
                    admin = line.substring(ADMIN_LINE.length()).toCharArray();
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon < 0) {
                    throw CliException.usage(label + " line " + number + ": expected 'user:password'");
                }
                String user = line.substring(0, colon);
                char[] password = line.substring(colon + 1).toCharArray();
                if (out.containsKey(user)) {
                    throw CliException.usage(label + " line " + number + ": user '" + user + "' is listed twice");
                }
                out.put(user, password);
            }
        } catch (NoSuchFileException e) {
            throw CliException.usage("users file " + source + " does not exist");
        } catch (IOException e) {
            throw CliException.failure("cannot read " + label + ": " + e.getMessage());
        }
        return new UsersFile(out, admin);
    }

    /** The first line of a password file (without its line end); {@code what} names it in errors ("password file"). */
    static char[] readFirstLine(Path file, String what, PrintWriter err) {
        warnIfOpen(file, err);
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = reader.readLine();
            if (line == null) {
                throw CliException.usage(what + " " + file + " is empty");
            }
            return line.toCharArray();
        } catch (NoSuchFileException e) {
            throw CliException.usage(what + " " + file + " does not exist");
        } catch (IOException e) {
            throw CliException.failure("cannot read " + what + " " + file + ": " + e.getMessage());
        }
    }

    /** How a users file is named in sentences: its path, or "standard input" for '-'. */
    static String label(String source) {
        return "-".equals(source) ? "standard input" : source;
    }

    /** Warns on {@code err} if others may read the password file {@code file}, as for a private key. */
    static void warnIfOpen(Path file, PrintWriter err) {
        KeyFileModes.warnIfOpen(file, err, "a file of passwords");
    }

    /**
     * Refuses a password for a new key shorter than {@link #MIN_LENGTH}; {@code whose}
     * names the key in the sentence ("user 'alice' in users.txt", "the admin key").
     */
    static void requireLongEnough(char[] password, String whose) {
        int length = length(password);
        if (length < MIN_LENGTH) {
            throw CliException.usage("the password for " + whose + " is too short (" + length + " character"
                    + (length == 1 ? "" : "s") + "): a new key needs at least " + MIN_LENGTH);
        }
    }

    /** The number of characters of {@code password}, counting Unicode code points (an emoji is one). */
    static int length(char[] password) {
        return Character.codePointCount(password, 0, password.length);
    }

    /** The terminal, or null when standard input or output is not one (scripts, tests): then nothing is asked. */
    static Console terminal() {
        return terminal.get();
    }

    /** Replaceable by tests, like {@link #environment}. */
    static Supplier<Console> terminal = System::console;

    /** The environment (CHAT_ADMIN_PASSWORD); replaceable by tests, which cannot set variables. */
    static Function<String, String> environment = System::getenv;

    /** Argon2id cost of newly sealed keys; tests lower it. */
    static Argon2Params kdf = Argon2Params.DEFAULT;

    /**
     * Asks for a new password twice on the terminal, hidden, until both entries agree and
     * it has at least {@link #MIN_LENGTH} characters.
     */
    static char[] promptNew(Console console, String user) {
        return promptNew(console, user, "Password for " + user + ": ", "Repeat the password for " + user + ": ");
    }

    static char[] promptNew(Console console, String user, String prompt, String repeat) {
        for (int attempt = 1; attempt <= 3; attempt++) {
            char[] first = console.readPassword("%s", prompt);
            if (first == null) {
                throw new CliException(ExitStatus.INTERRUPTED, "no password entered for " + user);
            }
            if (length(first) < MIN_LENGTH) {
                console.printf("The password must have at least %d characters.%n", MIN_LENGTH);
                Arrays.fill(first, '\0');
                continue;
            }
            char[] second = console.readPassword("%s", repeat);
            if (second != null && Arrays.equals(first, second)) {
                Arrays.fill(second, '\0');
                return first;
            }
            console.printf("The passwords do not match.%n");
        }
        throw CliException.failure("no matching password for " + user + " after 3 attempts");
    }

    /** Asks once, hidden, for an existing password. */
    static char[] prompt(Console console, String prompt) {
        char[] password = console.readPassword("%s", prompt);
        if (password == null) {
            throw new CliException(ExitStatus.INTERRUPTED, "no password entered");
        }
        return password;
    }
}
