package chat.client.internal;

/**
 * Where the client's connection stands; exactly one at a time, held by {@link ClientCore}
 * under its monitor. A session is current only while the state names it: anything a
 * session reports otherwise comes from a connection already given up and is ignored.
 */
sealed interface ConnState {

    /** The current session, or null when there is none. */
    default Session session() {
        return null;
    }

    /** The first connection (its session null until opened), until its replay finishes: login waits for it. */
    record Connecting(Session session) implements ConnState {
    }

    /** A later connection, until its replay finishes; commands wait in the outbox. */
    record Replaying(Session session) implements ConnState {
    }

    /** Replay finished: commands are sent as they are given. */
    record Ready(Session session) implements ConnState {
    }

    /** The connection was lost; a reconnection is scheduled or under way. */
    record Backoff() implements ConnState {
    }

    /** No further connection will be tried: login failed, or the server's key changed. */
    record Failed(String reason) implements ConnState {
    }

    /** {@link ClientCore#close()} was called. */
    record Closed() implements ConnState {
    }
}
