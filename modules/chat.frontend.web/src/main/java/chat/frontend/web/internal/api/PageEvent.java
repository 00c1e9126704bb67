package chat.frontend.web.internal.api;

import chat.client.ClientEvent;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/** What the page is told live, one Server-Sent Event each, told apart by {@code type}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = PageEvent.Ready.class, name = "ready"),
        @JsonSubTypes.Type(value = PageEvent.Message.class, name = "message"),
        @JsonSubTypes.Type(value = PageEvent.Member.class, name = "member"),
        @JsonSubTypes.Type(value = PageEvent.Rotated.class, name = "rotated"),
        @JsonSubTypes.Type(value = PageEvent.Expired.class, name = "expired"),
        @JsonSubTypes.Type(value = PageEvent.Directory.class, name = "directory"),
        @JsonSubTypes.Type(value = PageEvent.AlarmRaised.class, name = "alarm"),
        @JsonSubTypes.Type(value = PageEvent.Disconnected.class, name = "disconnected"),
        @JsonSubTypes.Type(value = PageEvent.Reconnected.class, name = "reconnected"),
        @JsonSubTypes.Type(value = PageEvent.ConnectionFailed.class, name = "connectionFailed"),
        @JsonSubTypes.Type(value = PageEvent.Notice.class, name = "notice"),
        @JsonSubTypes.Type(value = PageEvent.Presence.class, name = "presence")})
public sealed interface PageEvent {

    record Ready(String user) implements PageEvent {
    }

    record Message(String channel, String from, String text, long seq, String timestamp, boolean mine)
            implements PageEvent {
    }

    /** {@code change}: added, left, removed or admin. */
    record Member(String channel, String user, String by, String change, long seq, String timestamp)
            implements PageEvent {
    }

    record Expired(String channel, long fromSeq, long seq, long count, String timestamp) implements PageEvent {
    }

    record Rotated(String channel, String by, long epoch, long seq, String timestamp) implements PageEvent {
    }

    record Directory(long version, List<String> added, List<String> revoked) implements PageEvent {
    }

    record AlarmRaised(Views.AlarmView alarm) implements PageEvent {
    }

    record Disconnected(String reason, long retryInMs) implements PageEvent {
    }

    record Reconnected() implements PageEvent {
    }

    record ConnectionFailed(String reason) implements PageEvent {
    }

    record Notice(String code, String message) implements PageEvent {
    }

    /** {@code user}, who shares a channel with you, is connected now or no longer (the page does not show it yet). */
    record Presence(String user, boolean online) implements PageEvent {
    }

    /** The event the page is shown for {@code event} of the client. */
    static PageEvent of(ClientEvent event) {
        return switch (event) {
            case ClientEvent.Ready r -> new Ready(r.user());
            case ClientEvent.MessageReceived m -> new Message(m.channel(), m.from(), m.text(), m.seq(),
                    m.timestamp().toString(), m.mine());
            case ClientEvent.MemberAdded m -> new Member(m.channel(), m.user(), m.by(), "added", m.seq(),
                    m.timestamp().toString());
            case ClientEvent.MemberChanged m -> new Member(m.channel(), m.user(), m.by(), m.change().wireName(),
                    m.seq(), m.timestamp().toString());
            case ClientEvent.Rotated r -> new Rotated(r.channel(), r.by(), r.epoch(), r.seq(), r.timestamp().toString());
            case ClientEvent.HistoryExpired x -> new Expired(x.channel(), x.fromSeq(), x.toSeq(), x.count(),
                    x.timestamp().toString());
            case ClientEvent.DirectoryChanged d -> new Directory(d.version(), d.added(), d.revoked());
            case ClientEvent.AlarmRaised a -> new AlarmRaised(Views.AlarmView.of(a.alarm()));
            case ClientEvent.Connecting c -> new Notice("connection", switch (c.stage()) {
                case CONNECTING -> "connecting to " + c.server();
                case LOGGING_IN -> "connected to " + c.server() + "; logging in";
                case CATCHING_UP -> "logged in; catching up";
            });
            case ClientEvent.Disconnected d -> new Disconnected(d.reason(), d.retryIn().toMillis());
            case ClientEvent.Reconnected r -> new Reconnected();
            case ClientEvent.ConnectionFailed f -> new ConnectionFailed(f.reason());
            case ClientEvent.StateRepaired s -> new Notice("stateRepaired", s.detail());
            case ClientEvent.ServerNotice n -> new Notice(n.code(), n.message());
            case ClientEvent.PresenceChanged p -> new Presence(p.user(), p.online());
        };
    }
}
