package chat.frontend.web.internal;

import com.sun.net.httpserver.Headers;
import java.util.Optional;
import java.util.Set;

/**
 * Who may talk to the local client. Every request must name this server in {@code Host}
 * (a DNS-rebinding page names its own host), must not come from another origin (browsers
 * send {@code Origin} on cross-origin and on every POST; {@code Sec-Fetch-Site} tells
 * cross-site requests apart), and every API request must carry the token. No CORS header is
 * ever sent, so no other origin can read an answer either.
 */
public final class RequestGuard {

    private final Set<String> hosts;
    private final Set<String> origins;
    private final AccessToken token;

    public RequestGuard(int port, AccessToken token) {
        this.hosts = Set.of("127.0.0.1:" + port, "localhost:" + port);
        this.origins = Set.of("http://127.0.0.1:" + port, "http://localhost:" + port);
        this.token = token;
    }

    /** Why a request is refused, or empty when it may go on. */
    public Optional<String> refusal(Headers headers, boolean api) {
        String host = headers.getFirst("Host");
        if (host == null || !hosts.contains(host.toLowerCase(java.util.Locale.ROOT))) {
            return Optional.of("wrong Host header: " + host);
        }
        String origin = headers.getFirst("Origin");
        if (origin != null && !origins.contains(origin)) {
            return Optional.of("requests from origin " + origin + " are not allowed");
        }
        String site = headers.getFirst("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return Optional.of("cross-site request (Sec-Fetch-Site: " + site + ")");
        }
        if (api && !token.matches(headers.getFirst(AccessToken.HEADER))) {
            return Optional.of("missing or wrong token: open the link that chat printed");
        }
        return Optional.empty();
    }
}
