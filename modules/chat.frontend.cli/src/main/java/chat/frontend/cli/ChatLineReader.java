package chat.frontend.cli;

import java.util.Map;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;

/**
 * JLine's line reader, with its lock lent out: the status bar and the prompt change from
 * other threads while someone types, and must not write to the terminal in the middle of
 * the reader's own redraw. {@code printAbove} takes the same lock by itself.
 *
 * <p>Pasting: the terminal marks a paste (bracketed paste, which JLine turns on while it
 * reads a line) and {@link Pastes} decides at once whether it goes into the line, is held
 * behind a label, or is refused. A terminal that does not mark pastes types them key by
 * key: the line is then not redrawn while more input is already waiting, so that a long
 * paste costs one redraw instead of one per character.
 */
final class ChatLineReader extends LineReaderImpl {

    private final Pastes pastes;
    private volatile Thread readingThread;
    private volatile Runnable onResize = () -> { };

    ChatLineReader(Terminal terminal, Map<String, Object> variables, int maxMessageBytes) {
        super(terminal, "chat", variables);
        this.pastes = new Pastes(maxMessageBytes);
    }

    /** Runs {@code action} while the reader does not draw. */
    void locked(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    /** Changes the prompt; shown at once if a line is being read. */
    void changePrompt(String prompt) {
        locked(() -> {
            if (isReading()) {
                setPrompt(prompt);
                redisplay();
            }
        });
    }

    /** The next line, with the pastes held behind labels put back in. */
    String readMessage(String prompt) {
        readingThread = Thread.currentThread();
        try {
            return pastes.accept(readLine(prompt));
        } finally {
            readingThread = null;
        }
    }

    /** Runs {@code action} (quickly: the reader's lock is not held) after the window changed its size. */
    void onResize(Runnable action) {
        onResize = action;
    }

    @Override
    protected void handleSignal(Terminal.Signal signal) {
        org.jline.terminal.Size before = size;
        super.handleSignal(signal);
        if (signal == Terminal.Signal.WINCH && !size.equals(before)) {
            onResize.run();
        }
    }

    @Override
    public boolean beginPaste() {
        String pasted = doReadStringUntil(BRACKETED_PASTE_END);
        String line = buf.toString();
        // the line must fit above the status bar with the prompt in front of it
        int fits = Math.max(1, size.getColumns() * Math.max(1, size.getRows() - 3) - 20);
        switch (pastes.paste(line, pasted, fits)) {
            case Pastes.Outcome.Insert insert -> buf.write(insert.text());
            case Pastes.Outcome.Held held -> buf.write(held.label());
            case Pastes.Outcome.Refused refused -> {
                beep();
                printAbove(new AttributedString("! " + refused.sentence(),
                        AttributedStyle.DEFAULT.foreground(AttributedStyle.RED)));
            }
        }
        return true;
    }

    @Override
    protected void redisplay(boolean flush) {
        if (Thread.currentThread() == readingThread && inputWaiting()) {
            return; // drawn after the last key that is already there
        }
        super.redisplay(flush);
    }

    /** Whether keys are waiting (available() does not read: a peek here lost input on some terminals). */
    private boolean inputWaiting() {
        return terminal.reader().available() > 0;
    }
}
