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

    /**
     * Binds Alt-1..Alt-9 (switch to that channel) and PageUp/PageDown (page through the
     * channel's history). Alt-digit is Emacs's digit argument, of no use in a chat line.
     * The actions run on a thread of their own: a widget runs under the reader's lock, and
     * what they show is printed above the line, which takes that lock.
     */
    void bindNavigation(java.util.function.IntConsumer window, Runnable pageUp, Runnable pageDown) {
        org.jline.keymap.KeyMap<org.jline.reader.Binding> main = getKeyMaps().get(MAIN);
        for (int i = 1; i <= 9; i++) {
            int n = i;
            main.bind(outside(() -> window.accept(n)), org.jline.keymap.KeyMap.alt((char) ('0' + i)));
        }
        org.jline.reader.Widget up = outside(pageUp);
        org.jline.reader.Widget down = outside(pageDown);
        main.bind(up, "\033[5~");
        main.bind(down, "\033[6~");
        String ppage = org.jline.keymap.KeyMap.key(terminal, org.jline.utils.InfoCmp.Capability.key_ppage);
        String npage = org.jline.keymap.KeyMap.key(terminal, org.jline.utils.InfoCmp.Capability.key_npage);
        if (ppage != null && !ppage.isEmpty()) {
            main.bind(up, ppage);
        }
        if (npage != null && !npage.isEmpty()) {
            main.bind(down, npage);
        }
    }

    private static org.jline.reader.Widget outside(Runnable action) {
        return () -> {
            Thread.ofVirtual().name("chat-cli-key").start(action);
            return true;
        };
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
