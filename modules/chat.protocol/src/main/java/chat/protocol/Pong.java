package chat.protocol;

/** The answer to {@link Ping}. */
public record Pong() implements Message {

    public static final String TYPE = "pong";

    @Override
    public String type() {
        return TYPE;
    }
}
