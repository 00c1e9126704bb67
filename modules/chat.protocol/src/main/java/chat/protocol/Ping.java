package chat.protocol;

/** Either side: keeps an idle connection alive and checks the peer is there; answered by {@link Pong}. */
public record Ping() implements Message {

    public static final String TYPE = "ping";

    @Override
    public String type() {
        return TYPE;
    }
}
