package chat.frontend.json;

import chat.protocol.json.Jcs;
import chat.protocol.json.JsonValue;
import chat.protocol.json.ObjectBuilder;
import java.io.Flushable;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes one JSON object per line to standard output, whole lines only, from whichever
 * thread: a reader of the stream always sees complete events in order. Lines written on
 * the client's event thread are buffered and go out when that thread has no further event
 * to hand over ({@link #flush}, see ChatClient#login): a replay or a bot's stream of
 * acknowledgements costs one write per batch, not one per line. Lines of any other thread
 * (answers to commands) are flushed at once.
 * An {@code id} given on a command is echoed as the same JSON value.
 */
final class EventWriter implements Flushable {

    private final PrintStream out;
    /** The client's event thread, once seen: its lines wait for {@link #flush}. */
    private volatile Thread eventThread;

    /** {@code out} should buffer: nothing is flushed but by this class. */
    EventWriter(PrintStream out) {
        this.out = out;
    }

    /** Called on the client's event thread, whose lines are flushed when it runs dry. */
    void onEventThread() {
        if (eventThread == null) {
            eventThread = Thread.currentThread();
        }
    }

    synchronized void write(ObjectBuilder event, JsonValue id) {
        if (id != null) {
            event.put("id", id);
        }
        byte[] line = Jcs.canonicalString(event.build()).getBytes(StandardCharsets.UTF_8);
        out.write(line, 0, line.length);
        out.write('\n');
        if (Thread.currentThread() != eventThread) {
            out.flush();
        }
    }

    @Override
    public synchronized void flush() {
        out.flush();
    }

    void error(String code, String message, JsonValue id) {
        write(ObjectBuilder.create().put("event", "error").put("code", code).put("message", message), id);
    }
}
