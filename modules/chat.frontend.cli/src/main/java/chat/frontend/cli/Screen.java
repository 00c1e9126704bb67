package chat.frontend.cli;

import org.jline.reader.Completer;
import org.jline.utils.AttributedString;

/**
 * Where the chat is shown and typed: a terminal a person uses ({@link TerminalScreen}) or
 * plain lines in and out for scripts and pipes ({@link PlainScreen}). Every method may be
 * called from any thread; {@link #readLine} and {@link #readSecret} from one at a time.
 */
sealed interface Screen extends AutoCloseable permits TerminalScreen, PlainScreen {

    /** A person at a terminal: prompts, a hidden password, colours where the terminal has them. */
    boolean interactive();

    /** Shows a line (text with '\n' shows as several) above the line being typed, which stays as it was. */
    void show(AttributedString line);

    /** Shows a problem; without a terminal it goes to standard error. */
    void showError(AttributedString line);

    /** The next line typed; null at the end of the input, on Ctrl-D or on Ctrl-C. */
    String readLine();

    /**
     * What Ctrl-C does from now on while no line is being read (during {@link #readLine} it
     * ends the line instead): runs {@code action}, on a thread of its own. Returns what it
     * did before. Only a terminal screen can catch Ctrl-C; elsewhere it stops the program
     * (the JVM runs its shutdown hooks, see {@link StopHook}) and the action is kept only
     * to be returned.
     */
    Runnable onInterrupt(Runnable action);

    /** Asks for a secret without echoing it; null when there is nobody to ask or they gave up. */
    char[] readSecret(String prompt);

    /** The text before the input line, changed at once even while someone is typing. */
    void prompt(AttributedString prompt);

    /** Whether {@link #status} shows anything; without a status bar the caller shows its state in the prompt. */
    boolean hasStatus();

    /** The status bar at the bottom of the screen. */
    void status(AttributedString line);

    /** Whether the screen changed its width since the status bar was drawn (it is then drawn again). */
    boolean resized();

    /**
     * What happens after the window changed its size ({@link #clear} and draw again), on a
     * thread of its own; nothing on a screen that only prints lines.
     */
    void onResize(Runnable action);

    /** Empties the window (the status bar and the input line stay); for a redraw. */
    void clear();

    /** How many rows the window has for lines above the input line; 0 when unknown. */
    int rows();

    /**
     * Calls for attention: the terminal's bell, and a desktop notification with
     * {@code title} and {@code body} where the terminal shows them; nothing on a screen that
     * only prints lines (a script's output must not fill with bells).
     */
    void alert(String title, String body);

    /**
     * What Alt-1..Alt-9 ({@code window} with 1..9), PageUp and PageDown do from now on, on a
     * thread of their own; nothing on a screen without keys.
     */
    void onNavigation(java.util.function.IntConsumer window, Runnable pageUp, Runnable pageDown);

    /** What Tab completes from now on. */
    void completeWith(Completer completer);

    /** Puts the terminal back as it was. */
    @Override
    void close();
}
