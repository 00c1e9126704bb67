package chat.frontend.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each way a request can fail the guard, and the exact reason given. */
class RequestGuardTest {

    private final AccessToken token = AccessToken.random();
    private final RequestGuard guard = new RequestGuard(8123, token);

    private static Headers headers(Map<String, String> values) {
        Headers h = new Headers();
        values.forEach(h::set);
        return h;
    }

    @Test
    void thePageItselfNeedsOnlyTheRightHost() {
        assertThat(guard.refusal(headers(Map.of("Host", "127.0.0.1:8123")), false)).isEmpty();
        assertThat(guard.refusal(headers(Map.of("Host", "localhost:8123")), false)).isEmpty();
    }

    @Test
    void theApiNeedsTheToken() {
        assertThat(guard.refusal(headers(Map.of("Host", "127.0.0.1:8123")), true))
                .hasValue("missing or wrong token: open the link that chat printed");
        assertThat(guard.refusal(headers(Map.of("Host", "127.0.0.1:8123", AccessToken.HEADER, "x")), true)).isPresent();
        assertThat(guard.refusal(headers(Map.of("Host", "127.0.0.1:8123", AccessToken.HEADER, token.value(),
                "Origin", "http://127.0.0.1:8123", "Sec-Fetch-Site", "same-origin")), true)).isEmpty();
    }

    @Test
    void anotherHostOriginOrSiteIsRefusedEvenWithTheToken() {
        assertThat(guard.refusal(headers(Map.of("Host", "attacker.example:8123", AccessToken.HEADER, token.value())), true))
                .hasValue("wrong Host header: attacker.example:8123");
        assertThat(guard.refusal(headers(Map.of("Host", "127.0.0.1:9999")), false)).isPresent();
        assertThat(guard.refusal(new Headers(), false)).hasValue("wrong Host header: null");
        assertThat(guard.refusal(headers(Map.of("Host", "127.0.0.1:8123", AccessToken.HEADER, token.value(),
                "Origin", "http://attacker.example")), true))
                .hasValue("requests from origin http://attacker.example are not allowed");
        assertThat(guard.refusal(headers(Map.of("Host", "127.0.0.1:8123", "Origin", "null")), false)).isPresent();
        assertThat(guard.refusal(headers(Map.of("Host", "127.0.0.1:8123", "Sec-Fetch-Site", "cross-site")), false))
                .hasValue("cross-site request (Sec-Fetch-Site: cross-site)");
    }

    @Test
    void theTokenIsLongAndRandomAndNotPrinted() {
        assertThat(token.value()).matches("[A-Za-z0-9_-]{43}");
        assertThat(AccessToken.random().value()).isNotEqualTo(token.value());
        assertThat(token.toString()).doesNotContain(token.value());
    }
}
