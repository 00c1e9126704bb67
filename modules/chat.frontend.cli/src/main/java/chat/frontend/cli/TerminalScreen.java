package chat.frontend.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.reader.impl.history.DefaultHistory;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.Status;

/**
 * A terminal someone types at, through JLine: line editing, input history (in memory only:
 * a history file would keep the messages in clear beside the encrypted local state), Tab
 * completion, and lines printed above the input line, which JLine redraws as it was,
 * cursor included. A status bar takes the bottom line where the terminal can keep a
 * scroll region. A dumb terminal gets a {@link PlainScreen} instead.
 */
final class TerminalScreen implements Screen {

    private final Terminal terminal;
    private final ChatLineReader reader;
    private final Status status;
    private volatile String prompt = "> ";
    private volatile AttributedString statusShown = AttributedString.EMPTY;
    private volatile int statusWidth;
    private volatile Runnable onInterrupt = () -> { };
    private final DesktopNotification notification = DesktopNotification.forTerminal(System.getenv());

    TerminalScreen(Terminal terminal) {
        this.terminal = terminal;
        this.reader = new ChatLineReader(terminal, Map.of(LineReader.HISTORY_SIZE, 1000),
                chat.client.ChatClient.MAX_TEXT_BYTES);
        DefaultParser parser = new DefaultParser();
        parser.setQuoteChars(new char[0]); // "don't" is a message, not an open quote
        parser.setEscapeChars(new char[0]);
        reader.setParser(parser);
        reader.setHistory(new DefaultHistory(reader));
        reader.option(LineReader.Option.DISABLE_EVENT_EXPANSION, true); // "hi!!" stays "hi!!"
        reader.option(LineReader.Option.HISTORY_IGNORE_DUPS, true);
        reader.option(LineReader.Option.AUTO_LIST, true);
        this.status = canKeepStatusBar(terminal) ? Status.getStatus(terminal) : null;
        // JLine catches Ctrl-C while it reads a line (and then puts this handler back); otherwise
        // the terminal's default would stop the process at once, without running shutdown hooks.
        terminal.handle(Terminal.Signal.INT, signal -> onInterrupt.run());
    }

    @Override
    public void onResize(Runnable action) {
        reader.onResize(() -> Thread.ofVirtual().name("chat-cli-resize").start(action));
    }

    /**
     * Clears the window and draws the status bar and the input line again. After a resize
     * the terminal has moved the cursor where it liked (tmux leaves it on the last row,
     * below the new scroll region, where nothing scrolls any more): starting from a clear
     * window puts everything back in its place.
     */
    @Override
    public void clear() {
        reader.locked(() -> {
            reader.clearScreen();
            if (status != null) {
                statusWidth = -1; // drawn again by the next status()
            }
            if (reader.isReading()) {
                reader.redisplay();
            }
            terminal.flush();
        });
    }

    @Override
    public int rows() {
        return Math.max(0, terminal.getRows() - (status == null ? 1 : 2));
    }

    /** A terminal that can only print lines: JLine's fallback, or TERM=dumb (an editor's shell). */
    static boolean isDumb(Terminal terminal) {
        return Terminal.TYPE_DUMB.equals(terminal.getType()) || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType());
    }

    private static boolean canKeepStatusBar(Terminal terminal) {
        return terminal.getStringCapability(Capability.change_scroll_region) != null
                && terminal.getStringCapability(Capability.cursor_address) != null
                && terminal.getStringCapability(Capability.save_cursor) != null
                && terminal.getStringCapability(Capability.restore_cursor) != null
                && terminal.getRows() >= 4;
    }

    /** The line reader, for tests that look at the line being typed. */
    LineReader reader() {
        return reader;
    }

    @Override
    public boolean interactive() {
        return true;
    }

    @Override
    public void show(AttributedString line) {
        reader.printAbove(render(line));
    }

    @Override
    public void showError(AttributedString line) {
        show(line);
    }

    private String render(AttributedString line) {
        return line.toAnsi(terminal);
    }

    @Override
    public String readLine() {
        try {
            return reader.readMessage(prompt);
        } catch (UserInterruptException | EndOfFileException e) {
            return null;
        }
    }

    @Override
    public Runnable onInterrupt(Runnable action) {
        Runnable before = onInterrupt;
        onInterrupt = action;
        return before;
    }

    @Override
    public char[] readSecret(String text) {
        // A reader of its own, so the password never lands in the input history.
        LineReader secret = LineReaderBuilder.builder().terminal(terminal)
                .variable(LineReader.DISABLE_HISTORY, true).build();
        try {
            return secret.readLine(text, LineReaderImpl.NULL_MASK).toCharArray();
        } catch (UserInterruptException | EndOfFileException e) {
            return null;
        }
    }

    @Override
    public void prompt(AttributedString text) {
        // '%' starts a prompt escape in JLine; names cannot hold one, but be exact anyway.
        String p = render(text).replace("%", "%%");
        prompt = p;
        reader.changePrompt(p);
    }

    @Override
    public boolean hasStatus() {
        return status != null;
    }

    @Override
    public void status(AttributedString line) {
        if (status == null) {
            return;
        }
        int width = Math.max(1, terminal.getColumns());
        int length = line.columnLength();
        AttributedString padded = length >= width ? line.columnSubSequence(0, width)
                : new AttributedStringBuilder().append(line).append(" ".repeat(width - length), StatusLine.BAR)
                        .toAttributedString();
        reader.locked(() -> status.update(List.of(padded)));
        statusShown = line;
        statusWidth = width;
    }

    @Override
    public boolean resized() {
        return status != null && terminal.getColumns() != statusWidth;
    }

    /** What the status bar shows now (the terminal gets only the changed characters). */
    AttributedString statusShown() {
        return statusShown;
    }

    @Override
    public void alert(String title, String body) {
        String sequence = "\u0007" + notification.sequence(title, body);
        reader.locked(() -> {
            terminal.writer().write(sequence);
            terminal.flush();
        });
    }

    @Override
    public void onNavigation(java.util.function.IntConsumer window, Runnable pageUp, Runnable pageDown) {
        reader.bindNavigation(window, pageUp, pageDown);
    }

    @Override
    public void completeWith(Completer completer) {
        reader.setCompleter(completer);
    }

    @Override
    public void close() {
        if (status != null) {
            reader.locked(() -> {
                status.hide(); // erases the bar; close() only gives the scroll region back
                status.close();
            });
        }
        terminal.writer().flush();
        try {
            terminal.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
