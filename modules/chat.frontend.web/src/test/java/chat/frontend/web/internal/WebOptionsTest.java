package chat.frontend.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WebOptionsTest {

    @Test
    void portIsChosenBySystemUnlessGiven() {
        assertThat(WebOptions.parse(List.of()).port()).isZero();
        assertThat(WebOptions.parse(List.of("--port", "8080")).port()).isEqualTo(8080);
        assertThat(WebOptions.parse(List.of("--port=8081")).port()).isEqualTo(8081);
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> WebOptions.parse(List.of("--port", "x"))).hasMessage("--port needs a number, got 'x'");
        assertThatThrownBy(() -> WebOptions.parse(List.of("--port", "70000"))).hasMessage("--port 70000 is out of range 0-65535");
        assertThatThrownBy(() -> WebOptions.parse(List.of("--port"))).hasMessage(
                "unknown argument '--port' (the web frontend takes --port N)");
        assertThatThrownBy(() -> WebOptions.parse(List.of("--password", "x"))).hasMessageContaining("'--password'");
    }
}
