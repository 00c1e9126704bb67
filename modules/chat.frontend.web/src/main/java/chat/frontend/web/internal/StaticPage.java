package chat.frontend.web.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * The page itself: plain HTML, CSS and JavaScript shipped in the jar, no build step. These
 * files hold no data, so they are served without the token (the browser cannot send the
 * link's fragment); everything the page then asks for goes through the API and needs it.
 */
final class StaticPage {

    record File(byte[] bytes, String contentType) {
    }

    private static final Map<String, String> FILES = Map.of(
            "/", "index.html",
            "/app.js", "app.js",
            "/app.css", "app.css");

    private StaticPage() {
    }

    static Optional<File> find(String path) {
        String name = FILES.get(path);
        if (name == null) {
            return Optional.empty();
        }
        try (InputStream in = StaticPage.class.getResourceAsStream("/chat/frontend/web/static/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks static/" + name);
            }
            return Optional.of(new File(in.readAllBytes(), type(name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String type(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        return "text/css; charset=utf-8";
    }
}
