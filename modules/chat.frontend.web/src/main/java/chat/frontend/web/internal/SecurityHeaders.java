package chat.frontend.web.internal;

import com.sun.net.httpserver.Headers;

/**
 * Headers on every answer. The Content-Security-Policy lets the page load only its own
 * script and style and talk only to this server: no inline script, no eval, no frames,
 * no form posts, no images from elsewhere; so even text that got into the page as HTML
 * could run nothing. Nothing is cached and no Referer leaves the page.
 */
final class SecurityHeaders {

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
            + " img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private SecurityHeaders() {
    }

    static void add(Headers h) {
        h.set("Content-Security-Policy", CSP);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Cache-Control", "no-store");
        h.set("Cross-Origin-Opener-Policy", "same-origin");
        h.set("Cross-Origin-Resource-Policy", "same-origin");
    }
}
