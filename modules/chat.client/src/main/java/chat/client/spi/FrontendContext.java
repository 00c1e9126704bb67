package chat.client.spi;

import chat.client.ChatClient;
import chat.client.ClientEvent;
import chat.client.LoginException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** What {@code chat client} hands a frontend. */
public interface FrontendContext {

    /** The user of the bundle (known before login, for the login screen). */
    String user();

    /** The user's bundle folder. */
    Path bundleDir();

    /** The server address the user asked for (or the default); the first one if several were given. */
    InetSocketAddress server();

    /**
     * Every server address the user gave, in order (the relays of one deployment, which the
     * client tries in turn); by default just {@link #server()}.
     */
    default List<InetSocketAddress> servers() {
        return List.of(server());
    }

    /** A password given without a terminal: {@code --password-file}, else {@code CHAT_PASSWORD}. */
    Optional<char[]> suppliedPassword();

    /** Arguments after {@code --}, for the frontend's own options. */
    List<String> arguments();

    /** Logs in; see {@link ChatClient#login}. */
    ChatClient login(char[] password, Consumer<ClientEvent> listener) throws LoginException;
}
