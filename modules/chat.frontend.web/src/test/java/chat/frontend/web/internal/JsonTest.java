package chat.frontend.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.client.ClientEvent;
import chat.client.HistoryItem;
import chat.frontend.web.internal.api.PageEvent;
import chat.frontend.web.internal.api.Requests;
import chat.frontend.web.internal.api.Views;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Records in and out through jackson-databind, and the request bodies it refuses. */
class JsonTest {

    private static <T> T read(String json, Class<T> type) throws Exception {
        return Json.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), type);
    }

    @Test
    void requestsAreRecords() throws Exception {
        assertThat(read("{\"channel\":\"ops\",\"text\":\"<b>hi</b>\"}", Requests.Send.class))
                .isEqualTo(new Requests.Send("ops", "<b>hi</b>"));
        assertThat(read("{\"password\":\"pw\"}", Requests.Login.class).password()).containsExactly('p', 'w');
    }

    @Test
    void badBodiesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> read("{\"channel\":\"ops\",\"extra\":1}", Requests.ChannelOnly.class))
                .isInstanceOf(Json.BadRequest.class).hasMessageContaining("\"extra\"");
        assertThatThrownBy(() -> read("null", Requests.ChannelOnly.class)).isInstanceOf(Json.BadRequest.class)
                .hasMessage("the request body is empty or null");
        assertThatThrownBy(() -> read("{", Requests.ChannelOnly.class)).isInstanceOf(Json.BadRequest.class);
        String huge = "{\"channel\":\"" + "x".repeat(Json.MAX_BODY_BYTES) + "\"}";
        assertThatThrownBy(() -> read(huge, Requests.ChannelOnly.class)).isInstanceOf(Json.BadRequest.class)
                .hasMessage("request body exceeds the limit of " + Json.MAX_BODY_BYTES + " bytes")
                .satisfies(e -> assertThat(((Json.BadRequest) e).status).isEqualTo(413));
    }

    @Test
    void eventsAndHistoryCarryTheirType() {
        Instant t = Instant.parse("2026-11-25T19:06:20.771Z");
        assertThat(Json.event(PageEvent.of(new ClientEvent.MessageReceived("ops", "bob", "hi", 2, t, false, null))))
                .isEqualTo("{\"type\":\"message\",\"channel\":\"ops\",\"from\":\"bob\",\"text\":\"hi\",\"seq\":2,"
                        + "\"timestamp\":\"2026-11-25T19:06:20.771Z\",\"mine\":false}");
        assertThat(Json.event(PageEvent.of(new ClientEvent.Reconnected("127.0.0.1:8989")))).isEqualTo("{\"type\":\"reconnected\"}");
        String history = new String(Json.write(Views.history("ops", List.of(new HistoryItem.Joined(1, t, "alice",
                "alice"), new HistoryItem.MemberChanged(3, t, "alice", "bob", HistoryItem.Change.REMOVED)))),
                StandardCharsets.UTF_8);
        assertThat(history).contains("{\"type\":\"member\",\"seq\":1,", "\"change\":\"added\"", "\"change\":\"removed\"");
    }
}
