package chat.frontend.json;

import chat.client.Alarm;
import chat.client.ClientEvent;
import chat.protocol.json.JsonException;
import chat.protocol.json.JsonParser;
import chat.protocol.json.JsonValue;
import chat.protocol.json.ObjectBuilder;
import java.io.Flushable;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Turns client events into JSON lines (docs/frontends.md lists them); flushed by the
 * client when no further event waits (see {@link EventWriter}).
 */
final class EventTranslator implements Consumer<ClientEvent>, Flushable {

    private final EventWriter out;
    /** Completed when the client gives up connecting (connectionFailed): nothing pending will be acknowledged. */
    final CompletableFuture<Void> gaveUp = new CompletableFuture<>();

    EventTranslator(EventWriter out) {
        this.out = out;
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void accept(ClientEvent event) {
        out.onEventThread();
        switch (event) {
            case ClientEvent.Ready r -> out.write(ObjectBuilder.create().put("event", "ready").put("user", r.user()), null);
            case ClientEvent.MessageReceived m -> out.write(ObjectBuilder.create().put("event", "message")
                    .put("channel", m.channel()).put("from", m.from()).put("text", m.text()).put("seq", m.seq())
                    .put("timestamp", m.timestamp().toString()).put("mine", m.mine()), id(m.tag()));
            case ClientEvent.MemberAdded m -> out.write(ObjectBuilder.create().put("event", "member")
                    .put("channel", m.channel()).put("user", m.user()).put("by", m.by()).put("change", "added")
                    .put("seq", m.seq()).put("timestamp", m.timestamp().toString()), id(m.tag()));
            case ClientEvent.MemberChanged m -> out.write(ObjectBuilder.create().put("event", "member")
                    .put("channel", m.channel()).put("user", m.user()).put("by", m.by())
                    .put("change", m.change().wireName()).put("seq", m.seq())
                    .put("timestamp", m.timestamp().toString()), id(m.tag()));
            case ClientEvent.Rotated r -> out.write(ObjectBuilder.create().put("event", "rotated")
                    .put("channel", r.channel()).put("by", r.by()).put("epoch", r.epoch()).put("seq", r.seq())
                    .put("timestamp", r.timestamp().toString()), id(r.tag()));
            case ClientEvent.HistoryExpired x -> out.write(ObjectBuilder.create().put("event", "expired")
                    .put("channel", x.channel()).put("fromSeq", x.fromSeq()).put("toSeq", x.toSeq())
                    .put("count", x.count()).put("timestamp", x.timestamp().toString()), null);
            case ClientEvent.AlarmRaised a -> out.write(alarm(a.alarm()), null);
            case ClientEvent.DirectoryChanged d -> out.write(ObjectBuilder.create().put("event", "directory")
                    .put("version", d.version()).put("added", strings(d.added())).put("revoked", strings(d.revoked())),
                    null);
            case ClientEvent.Connecting c -> out.write(ObjectBuilder.create().put("event", "connection")
                    .put("state", switch (c.stage()) {
                        case CONNECTING -> "connecting";
                        case LOGGING_IN -> "loggingIn";
                        case CATCHING_UP -> "catchingUp";
                    }).put("server", c.server()), null);
            case ClientEvent.Disconnected d -> out.write(ObjectBuilder.create().put("event", "disconnected")
                    .put("reason", d.reason()).put("retryInMs", d.retryIn().toMillis()), null);
            case ClientEvent.Reconnected r -> out.write(ObjectBuilder.create().put("event", "reconnected")
                    .put("server", r.server()), null);
            case ClientEvent.ConnectionFailed f -> {
                gaveUp.complete(null); // before the line: a script that reacts to it finds the frontend not waiting
                out.write(ObjectBuilder.create().put("event", "connectionFailed").put("reason", f.reason()), null);
            }
            case ClientEvent.PresenceChanged p -> out.write(ObjectBuilder.create().put("event", "presence")
                    .put("user", p.user()).put("online", p.online()), null);
            case ClientEvent.ServerNotice n -> out.write(ObjectBuilder.create().put("event", "notice")
                    .put("code", n.code()).put("message", n.message()), null);
            case ClientEvent.StateRepaired r -> out.write(ObjectBuilder.create().put("event", "notice")
                    .put("code", "stateRepaired").put("message", r.detail()), null);
        }
    }

    private static JsonValue strings(java.util.List<String> names) {
        return new JsonValue.JsonArray(names.stream().map(n -> (JsonValue) new JsonValue.JsonString(n)).toList());
    }

    private static ObjectBuilder alarm(Alarm a) {
        return ObjectBuilder.create().put("event", "alarm").put("channel", a.channel()).put("seq", a.seq())
                .put("kind", a.kind().name().toLowerCase(java.util.Locale.ROOT)).put("message", a.detail());
    }

    /** Up to 15 digits, no sign or leading zero: canonical JSON for a number that a long holds exactly. */
    private static boolean isPlainInteger(String tag) {
        int n = tag.length();
        if (n == 0 || n > 15 || (tag.charAt(0) == '0' && n > 1)) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (tag.charAt(i) < '0' || tag.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** A tag is the command's id as canonical JSON text; this turns it back into the value. */
    static JsonValue id(String tag) {
        if (tag == null) {
            return null;
        }
        if (isPlainInteger(tag)) {
            return new JsonValue.JsonNumber(Long.parseLong(tag)); // a bot's usual id: spares a parse per event
        }
        try {
            return JsonParser.withDefaults().parseObject(("{\"id\":" + tag + "}").getBytes(StandardCharsets.UTF_8))
                    .fields().get("id");
        } catch (JsonException e) {
            return new JsonValue.JsonString(tag);
        }
    }
}
