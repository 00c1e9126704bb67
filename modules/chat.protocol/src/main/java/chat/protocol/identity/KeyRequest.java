package chat.protocol.identity;

import chat.crypto.AgreementPublicKey;
import chat.crypto.MalformedInputException;
import chat.crypto.SigningPublicKey;
import chat.protocol.Names;
import chat.protocol.json.JsonException;
import chat.protocol.json.ObjectBuilder;
import chat.protocol.json.ObjectReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The public half of a key a user made on their own machine ({@code chat keygen}):
 * {@code NAME.request.json}, format {@code chat-key-request}. The user signs it with the
 * new key, so the admin knows the requester holds the private key; the admin admits it
 * with {@code chat user add --request FILE} and never sees the private key.
 */
public record KeyRequest(Principal principal, byte[] signature) {

    public static final String SUFFIX = ".request.json";
    static final String FORMAT = "chat-key-request";
    public static final String PURPOSE = "chat-v1/key-request";

    public static KeyRequest of(IdentityKeys keys) {
        return new KeyRequest(keys.principal(), keys.signing().sign(signedForm(keys.principal())));
    }

    static byte[] signedForm(Principal p) {
        return ObjectBuilder.create().put("purpose", PURPOSE).put("user", p.name())
                .put("signingKey", p.signingKey().bytes()).put("agreementKey", p.agreementKey().bytes()).canonical();
    }

    public static KeyRequest load(Path file) throws IdentityFileException {
        ObjectReader root = JsonFiles.read(file, FORMAT);
        try {
            root.only(Set.of("format", "version", "user", "signingKey", "agreementKey", "fingerprint", "signature"));
            String user = root.string("user");
            String problem = Names.userProblem(user);
            if (problem != null) {
                throw new JsonException(problem, false);
            }
            Principal p = new Principal(user, SigningPublicKey.of(root.bytes("signingKey", SigningPublicKey.LENGTH)),
                    AgreementPublicKey.of(root.bytes("agreementKey", AgreementPublicKey.LENGTH)));
            if (!root.string("fingerprint").equals(p.fingerprint())) {
                throw new JsonException("the listed fingerprint does not match the keys", false);
            }
            byte[] signature = root.bytes("signature", SigningPublicKey.SIGNATURE_LENGTH);
            if (!p.signingKey().verify(signedForm(p), signature)) {
                throw new JsonException("the request is not signed by the key it carries (damaged or forged)", false);
            }
            return new KeyRequest(p, signature);
        } catch (JsonException | MalformedInputException e) {
            throw JsonFiles.malformed(file, e);
        }
    }

    public void write(Path file) throws IOException {
        JsonFiles.create(file, ObjectBuilder.create()
                .put("format", FORMAT)
                .put("version", 1)
                .put("user", principal.name())
                .put("signingKey", principal.signingKey().bytes())
                .put("agreementKey", principal.agreementKey().bytes())
                .put("fingerprint", principal.fingerprint())
                .put("signature", signature)
                .build(), false);
    }
}
