package chat.server.internal;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's view of one user. {@link #lastUserSeq} is guarded by this object's monitor,
 * which every request of the user takes first (lock order: user, then channel). {@link #live}
 * holds the user's synced connections, the ones broadcasts go to.
 */
final class UserState {

    final String name;
    long lastUserSeq;
    final CopyOnWriteArrayList<Connection> live = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();

    UserState(String name) {
        this.name = name;
    }
}
