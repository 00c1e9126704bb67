package chat.frontend.web.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The secret in the printed link ({@code #token=...}): 256 random bits, base64url. The page
 * sends it in the {@code X-Chat-Token} header of every API request; whoever lacks it (another
 * local user, another web site in the same browser) gets nothing. Compared in constant time.
 */
public final class AccessToken {

    public static final String HEADER = "X-Chat-Token";

    private final String value;

    private AccessToken(String value) {
        this.value = value;
    }

    public static AccessToken random() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return new AccessToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    public String value() {
        return value;
    }

    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(value.getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "AccessToken[hidden]";
    }
}
