package chat.frontend.json;

import chat.protocol.json.Jcs;
import chat.protocol.json.JsonValue;
import chat.protocol.json.ObjectBuilder;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes one JSON object per line to standard output, whole lines only, flushed at once,
 * from whichever thread: a reader of the stream always sees complete events in order.
 * An {@code id} given on a command is echoed as the same JSON value.
 */
final class EventWriter {

    private final PrintStream out;

    EventWriter(PrintStream out) {
        this.out = out;
    }

    synchronized void write(ObjectBuilder event, JsonValue id) {
        if (id != null) {
            event.put("id", id);
        }
        byte[] line = Jcs.canonicalString(event.build()).getBytes(StandardCharsets.UTF_8);
        out.write(line, 0, line.length);
        out.write('\n');
        out.flush();
    }

    void error(String code, String message, JsonValue id) {
        write(ObjectBuilder.create().put("event", "error").put("code", code).put("message", message), id);
    }
}
