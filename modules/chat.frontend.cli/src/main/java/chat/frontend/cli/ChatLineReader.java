package chat.frontend.cli;

import java.util.Map;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;

/**
 * JLine's line reader, with its lock lent out: the status bar and the prompt change from
 * other threads while someone types, and must not write to the terminal in the middle of
 * the reader's own redraw. {@code printAbove} takes the same lock by itself.
 */
final class ChatLineReader extends LineReaderImpl {

    ChatLineReader(Terminal terminal, Map<String, Object> variables) {
        super(terminal, "chat", variables);
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
}
