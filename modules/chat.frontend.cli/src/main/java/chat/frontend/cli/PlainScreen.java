package chat.frontend.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.jline.reader.Completer;
import org.jline.utils.AttributedString;

/**
 * Lines in and out: one line in is one action, and every event is one plain line out
 * (several for a message of several lines), without colours, prompts or cursor movement,
 * so the output can be read by a program or a person alike. For a pipe or a script, and
 * for a dumb terminal (then {@code console} asks for the password without echo).
 */
final class PlainScreen implements Screen {

    private final BufferedReader in;
    private final PrintStream out;
    private final PrintStream err;
    private final Console console;
    private volatile Runnable onInterrupt = () -> { };

    /** {@code console} is the terminal to ask the password on, or null when there is none. */
    PlainScreen(InputStream in, PrintStream out, PrintStream err, Console console) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = out;
        this.err = err;
        this.console = console;
    }

    @Override
    public boolean interactive() {
        return console != null;
    }

    @Override
    public void show(AttributedString line) {
        synchronized (out) {
            out.println(line.toString());
            out.flush();
        }
    }

    @Override
    public void showError(AttributedString line) {
        synchronized (out) { // keeps the order with standard output when both go to one place
            out.flush();
            err.println(line.toString());
            err.flush();
        }
    }

    @Override
    public String readLine() {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Runnable onInterrupt(Runnable action) {
        Runnable before = onInterrupt;
        onInterrupt = action; // Ctrl-C stops the JVM: without a JLine terminal there is no way to catch it
        return before;
    }

    @Override
    public char[] readSecret(String prompt) {
        if (console == null) {
            return null;
        }
        synchronized (out) {
            out.flush();
        }
        return console.readPassword("%s", prompt);
    }

    @Override
    public void prompt(AttributedString prompt) {
    }

    @Override
    public boolean hasStatus() {
        return false;
    }

    @Override
    public void status(AttributedString line) {
    }

    @Override
    public void onResize(Runnable action) {
        // lines printed one after the other: nothing to redraw
    }

    @Override
    public void clear() {
    }

    @Override
    public int rows() {
        return 0;
    }

    @Override
    public boolean resized() {
        return false;
    }

    @Override
    public void alert(String title, String body) {
        // lines only: no bell in a script's output
    }

    @Override
    public void onNavigation(java.util.function.IntConsumer window, Runnable pageUp, Runnable pageDown) {
        // lines only: no keys to bind
    }

    @Override
    public void completeWith(Completer completer) {
    }

    @Override
    public void close() {
        out.flush();
        err.flush();
    }
}
