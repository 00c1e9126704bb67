package chat.frontend.web.internal;

import chat.frontend.web.internal.api.Views;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;

/** Writing answers: JSON bodies and problems ({@code code}, {@code message}). */
final class Responses {

    private Responses() {
    }

    static void json(HttpExchange ex, int status, Object value) throws IOException {
        bytes(ex, status, "application/json; charset=utf-8", Json.write(value));
    }

    static void problem(HttpExchange ex, int status, String code, String message) throws IOException {
        json(ex, status, new Views.Problem(code, message));
    }

    static void bytes(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
        ex.close();
    }
}
