package chat.frontend.web.internal.api;

/** What the page sends, one record per request body; unknown members are refused. */
public final class Requests {

    private Requests() {
    }

    /** The password as characters, so that it can be wiped once used. */
    public record Login(char[] password) {
    }

    public record ChannelOnly(String channel) {
    }

    public record ChannelAndUser(String channel, String user) {
    }

    public record Send(String channel, String text) {
    }
}
