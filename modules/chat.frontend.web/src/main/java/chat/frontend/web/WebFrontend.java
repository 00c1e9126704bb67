package chat.frontend.web;

import chat.client.spi.ExitStatus;
import chat.client.spi.Frontend;
import chat.client.spi.FrontendContext;
import chat.frontend.web.internal.AccessToken;
import chat.frontend.web.internal.ChatSession;
import chat.frontend.web.internal.EventFeed;
import chat.frontend.web.internal.WebOptions;
import chat.frontend.web.internal.WebServer;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code web} frontend: serves the chat page on 127.0.0.1, prints the one link to open
 * (with the access token in its fragment) and runs until the page's Quit or Ctrl-C. The
 * password is typed into the page, never taken from the command line or the environment.
 */
public final class WebFrontend implements Frontend {

    @Override
    public String name() {
        return "web";
    }

    @Override
    public String description() {
        return "a chat page in your browser, served on 127.0.0.1 (plugin); -- --port N";
    }

    @Override
    public int run(FrontendContext context) throws Exception {
        WebOptions options;
        try {
            options = WebOptions.parse(context.arguments());
        } catch (IllegalArgumentException e) {
            System.err.println("chat: " + e.getMessage());
            return ExitStatus.USAGE;
        }
        AccessToken token = AccessToken.random();
        EventFeed feed = new EventFeed();
        ChatSession session = new ChatSession(context, feed);
        CountDownLatch quit = new CountDownLatch(1);
        WebServer server;
        try {
            server = WebServer.start(options.port(), token, session, feed, quit::countDown);
        } catch (IOException e) {
            System.err.println("chat: cannot listen on 127.0.0.1:" + options.port() + ": " + e.getMessage());
            return ExitStatus.FAILURE;
        }
        // Ctrl-C or SIGTERM: close the client so that its state is closed cleanly
        Thread hook = new Thread(() -> {
            server.close();
            session.close();
        }, "chat-web-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println("open http://127.0.0.1:" + server.port() + "/#token=" + token.value());
        System.out.flush();
        quit.await();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return ExitStatus.OK; // the hook does the rest
        }
        Thread.sleep(200); // lets the answer to Quit reach the page
        server.close();
        session.close();
        return ExitStatus.OK;
    }
}
