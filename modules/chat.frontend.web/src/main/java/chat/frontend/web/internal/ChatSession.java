package chat.frontend.web.internal;

import chat.client.ChatClient;
import chat.client.LoginException;
import chat.client.spi.FrontendContext;
import chat.frontend.web.internal.api.PageEvent;
import java.util.Arrays;
import java.util.Optional;

/**
 * The one logged-in client behind the page. Locking: {@link #login} and {@link #close} hold
 * this object's monitor, so two pages typing the password at once log in once; the client,
 * once set, never changes and is read without the lock.
 */
public final class ChatSession {

    private final FrontendContext context;
    private final EventFeed feed;
    private volatile ChatClient client;
    private boolean closed;

    public ChatSession(FrontendContext context, EventFeed feed) {
        this.context = context;
        this.feed = feed;
    }

    public String user() {
        return context.user();
    }

    /** The client, once logged in. */
    public Optional<ChatClient> client() {
        return Optional.ofNullable(client);
    }

    /**
     * Logs in with {@code password} (wiped afterwards); false when a client is logged in
     * already. The client's events go to the feed as they come, also those of the login.
     */
    public synchronized boolean login(char[] password) throws LoginException {
        try {
            if (client != null || closed) {
                return false;
            }
            ChatClient c = context.login(password, event -> feed.publish(Json.event(PageEvent.of(event))));
            if (!c.queuesDurably()) {
                feed.publish(Json.event(new PageEvent.Notice("memoryOnly", "another client is using this bundle's"
                        + " state folder; this one keeps its state in memory only")));
            }
            client = c;
            return true;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** Closes the client (queued commands stay queued for the next start). */
    public synchronized void close() {
        closed = true;
        if (client != null) {
            client.close();
        }
    }
}
