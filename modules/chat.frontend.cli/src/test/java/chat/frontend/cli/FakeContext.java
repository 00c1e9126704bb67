package chat.frontend.cli;

import chat.client.ChatClient;
import chat.client.ClientEvent;
import chat.client.LoginException;
import chat.client.spi.FrontendContext;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What {@code chat client} hands the frontend, with a {@link FakeClient} behind the login:
 * alice's password is "pa"; {@code failure} makes every login fail that way instead.
 */
final class FakeContext implements FrontendContext {

    static final String PASSWORD = "pa";

    private final Clock clock;
    private final char[] supplied;
    private final Consumer<FakeClient> beforeReady;
    volatile LoginException failure;
    volatile FakeClient client;
    volatile int attempts;

    FakeContext(Clock clock, String supplied, Consumer<FakeClient> beforeReady) {
        this.clock = clock;
        this.supplied = supplied == null ? null : supplied.toCharArray();
        this.beforeReady = beforeReady;
    }

    @Override
    public String user() {
        return "alice";
    }

    @Override
    public Path bundleDir() {
        return Path.of("/tmp/keys/users/alice");
    }

    @Override
    public InetSocketAddress server() {
        return InetSocketAddress.createUnresolved("127.0.0.1", 8989);
    }

    @Override
    public Optional<char[]> suppliedPassword() {
        return Optional.ofNullable(supplied).map(char[]::clone);
    }

    @Override
    public List<String> arguments() {
        return List.of();
    }

    @Override
    public ChatClient login(char[] password, Consumer<ClientEvent> listener) throws LoginException {
        attempts++;
        if (failure != null) {
            throw failure;
        }
        if (!new String(password).equals(PASSWORD)) {
            throw new LoginException(LoginException.Reason.WRONG_PASSWORD, "wrong password for alice");
        }
        FakeClient c = new FakeClient("alice", List.of("alice", "bob", "carol"), listener, clock);
        beforeReady.accept(c); // the replay: entries this device had not seen yet
        c.ready();
        client = c;
        return c;
    }
}
