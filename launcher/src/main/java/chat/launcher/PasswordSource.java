package chat.launcher;

import chat.client.spi.ExitStatus;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where passwords come from: a hidden prompt on the terminal, or a file of
 * {@code user:password} lines ({@code -} for standard input) for scripts. Passwords are
 * never taken from the command line, where other users could read them in {@code ps}.
 */
final class PasswordSource {

    private PasswordSource() {
    }

    /** Reads {@code user:password} lines; blank lines and lines starting with '#' are skipped. */
    static Map<String, char[]> readUsersFile(String source) {
        Map<String, char[]> out = new LinkedHashMap<>();
        String label = "-".equals(source) ? "standard input" : source;
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
        return out;
    }

    /** Asks for a new password twice on the terminal, hidden, until both entries agree and are not empty. */
    static char[] promptNew(Console console, String user) {
        for (int attempt = 1; attempt <= 3; attempt++) {
            char[] first = console.readPassword("Password for %s: ", user);
            if (first == null) {
                throw new CliException(ExitStatus.INTERRUPTED, "no password entered for " + user);
            }
            if (first.length == 0) {
                console.printf("The password must not be empty.%n");
                continue;
            }
            char[] second = console.readPassword("Repeat the password for %s: ", user);
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
