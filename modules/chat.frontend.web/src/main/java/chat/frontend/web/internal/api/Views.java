package chat.frontend.web.internal.api;

import chat.client.Alarm;
import chat.client.ChannelInfo;
import chat.client.HistoryItem;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/** What the page is answered with. Timestamps are ISO-8601 UTC text; the page shows local time. */
public final class Views {

    private Views() {
    }

    public record Session(String user, boolean loggedIn, boolean connected, int pending) {
    }

    public record Channel(String name, List<String> members, List<String> admins, int unread, long lastSeq,
                          long epoch, boolean active) {

        public static Channel of(ChannelInfo c) {
            return new Channel(c.name(), c.members(), c.admins(), c.unread(), c.lastSeq(), c.epoch(), c.active());
        }
    }

    public record AlarmView(String channel, long seq, String kind, String message) {

        public static AlarmView of(Alarm a) {
            return new AlarmView(a.channel(), a.seq(), a.kind().name().toLowerCase(java.util.Locale.ROOT), a.detail());
        }
    }

    public record History(String channel, List<Entry> entries) {
    }

    /** One entry of a channel's history, told apart by {@code type}. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = Entry.Message.class, name = "message"),
            @JsonSubTypes.Type(value = Entry.Member.class, name = "member"),
            @JsonSubTypes.Type(value = Entry.Rotated.class, name = "rotated"),
            @JsonSubTypes.Type(value = Entry.Expired.class, name = "expired")})
    public sealed interface Entry {

        record Message(long seq, String timestamp, String from, String text, boolean mine) implements Entry {
        }

        /** {@code change}: added, left, removed or admin. */
        record Member(long seq, String timestamp, String user, String by, String change) implements Entry {
        }

        record Rotated(long seq, String timestamp, String by, long epoch) implements Entry {
        }

        /** Entries {@code fromSeq..seq}: messages the server no longer keeps. */
        record Expired(long seq, String timestamp, long fromSeq, long count) implements Entry {
        }

        static Entry of(HistoryItem item) {
            String time = item.timestamp().toString();
            return switch (item) {
                case HistoryItem.Text t -> new Message(t.seq(), time, t.author(), t.text(), t.mine());
                case HistoryItem.Joined j -> new Member(j.seq(), time, j.member(), j.author(), "added");
                case HistoryItem.MemberChanged m -> new Member(m.seq(), time, m.member(), m.author(),
                        m.change().wireName());
                case HistoryItem.Rotated r -> new Rotated(r.seq(), time, r.author(), r.epoch());
                case HistoryItem.Expired x -> new Expired(x.seq(), time, x.fromSeq(), x.count());
            };
        }
    }

    public static History history(String channel, List<HistoryItem> items) {
        return new History(channel, items.stream().map(Entry::of).toList());
    }

    /** The answer to a command: its entry's {@code seq}, or {@code queued} when it waits for the connection. */
    public record Done(Long seq, boolean queued) {
    }

    public record Problem(String code, String message) {
    }
}
