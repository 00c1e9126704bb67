package chat.storage;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;

/**
 * Child-process program for the lock tests. {@code try DIR}: open and close, exit 0, or
 * print the error and exit 3 if the directory is locked. {@code hold DIR}: open, print
 * "open", wait for a line on stdin, close.
 */
public final class LockProbe {

    public static void main(String[] args) throws Exception {
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(Path.of(args[1])))) {
            if (args[0].equals("hold")) {
                System.out.println("open");
                System.out.flush();
                new BufferedReader(new InputStreamReader(System.in)).readLine();
            }
        } catch (StoreLockedException e) {
            System.out.println(e.getMessage());
            System.exit(3);
        }
    }
}
