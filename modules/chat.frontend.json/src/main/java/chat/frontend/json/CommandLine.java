package chat.frontend.json;

import chat.protocol.json.JsonException;
import chat.protocol.json.JsonLimits;
import chat.protocol.json.JsonParser;
import chat.protocol.json.JsonValue;
import chat.protocol.json.ObjectReader;
import java.nio.charset.StandardCharsets;

/** One line of standard input, parsed: the command name, its arguments, and its optional id. */
record CommandLine(String cmd, ObjectReader args, JsonValue id) {

    /** Commands carry at most a message text (64 KiB of UTF-8) plus a little; limits keep a bad line cheap. */
    private static final JsonParser PARSER = new JsonParser(new JsonLimits(4, 256 * 1024, 32, 32, 256));

    /** A line that is not a valid command; {@code id} is set if the line got far enough to have one. */
    static final class Invalid extends Exception {
        final JsonValue id;

        Invalid(String message, JsonValue id) {
            super(message);
            this.id = id;
        }
    }

    /** Whether {@code line} is a well-formed quit command (the same test the command itself passes). */
    static boolean isQuit(String line) {
        try {
            CommandLine command = parse(line);
            if (!"quit".equals(command.cmd())) {
                return false;
            }
            command.args().only(java.util.Set.of("cmd", "id"));
            return true;
        } catch (Invalid | chat.protocol.json.JsonException e) {
            return false;
        }
    }

    static CommandLine parse(String line) throws Invalid {
        JsonValue.JsonObject object;
        try {
            object = PARSER.parseObject(line.getBytes(StandardCharsets.UTF_8));
        } catch (JsonException e) {
            throw new Invalid("not a JSON object: " + e.getMessage(), null);
        }
        JsonValue id = object.fields().get("id");
        if (id != null && !(id instanceof JsonValue.JsonString || id instanceof JsonValue.JsonNumber)) {
            throw new Invalid("'id' must be a string or an integer", null);
        }
        ObjectReader reader = ObjectReader.of(object, "command");
        try {
            return new CommandLine(reader.string("cmd"), reader, id);
        } catch (JsonException e) {
            throw new Invalid(e.getMessage(), id);
        }
    }
}
