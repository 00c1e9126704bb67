package chat.frontend.web.internal;

import chat.frontend.web.internal.api.PageEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;

/**
 * The page's JSON through jackson-databind: records in, records out. Requests are small: a
 * body is at most {@link #MAX_BODY_BYTES} (a message is at most 65,536 bytes of UTF-8, six
 * times that escaped), and unknown members are refused rather than ignored.
 */
public final class Json {

    /** The largest request body read; a longer one is refused with 413. */
    public static final int MAX_BODY_BYTES = 512 * 1024;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(8).maxStringLength(MAX_BODY_BYTES).build());
    }

    private Json() {
    }

    /** Thrown for a body that is too long or does not fit {@code type}. */
    public static final class BadRequest extends Exception {
        public final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    public static <T> T read(InputStream body, Class<T> type) throws BadRequest, IOException {
        byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw new BadRequest(413, "request body exceeds the limit of " + MAX_BODY_BYTES + " bytes");
        }
        try {
            T value = MAPPER.readValue(bytes, type);
            if (value == null) {
                throw new BadRequest(400, "the request body is empty or null");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new BadRequest(400, "bad request body: " + e.getOriginalMessage());
        }
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    /** One event as JSON, with its {@code type}. */
    public static String event(PageEvent event) {
        try {
            return MAPPER.writerFor(PageEvent.class).writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + event, e);
        }
    }
}
