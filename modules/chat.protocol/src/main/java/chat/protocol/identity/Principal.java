package chat.protocol.identity;

import chat.crypto.AgreementPublicKey;
import chat.crypto.Fingerprint;
import chat.crypto.SigningPublicKey;
import java.util.Objects;

/** A named holder of keys, as the public directory lists it: a user, or the server. */
public record Principal(String name, SigningPublicKey signingKey, AgreementPublicKey agreementKey) {

    public Principal {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(signingKey, "signingKey");
        Objects.requireNonNull(agreementKey, "agreementKey");
    }

    public String fingerprint() {
        return Fingerprint.of(signingKey, agreementKey);
    }
}
