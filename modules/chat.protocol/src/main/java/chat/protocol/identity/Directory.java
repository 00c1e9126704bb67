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
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The public directory ({@code directory.json}): the server's and every user's public
 * keys, with fingerprints. Every bundle carries a copy; it is how a client knows the
 * server's key and how everyone knows everyone's keys. Fingerprints in the file are
 * recomputed on load and must match, which catches an edited or damaged file.
 */
public record Directory(Principal server, Map<String, Principal> users) {

    public static final String FILE_NAME = "directory.json";
    static final String FORMAT = "chat-directory";

    public Directory {
        users = Collections.unmodifiableMap(new TreeMap<>(users));
    }

    public Optional<Principal> user(String name) {
        return Optional.ofNullable(users.get(name));
    }

    public static Directory load(Path file) throws IdentityFileException {
        ObjectReader root = JsonFiles.read(file, FORMAT);
        try {
            Principal server = principal(root.object("server"), "server");
            Map<String, Principal> users = new TreeMap<>();
            ObjectReader list = root.object("users");
            for (String name : list.names()) {
                String problem = Names.userProblem(name);
                if (problem != null) {
                    throw new IdentityFileException(IdentityFileException.Reason.MALFORMED, file, problem);
                }
                users.put(name, principal(list.object(name), name));
            }
            return new Directory(server, users);
        } catch (JsonException | MalformedInputException e) {
            throw JsonFiles.malformed(file, e);
        }
    }

    private static Principal principal(ObjectReader r, String name) throws JsonException, MalformedInputException {
        r.only(java.util.Set.of("signingKey", "agreementKey", "fingerprint"));
        Principal p = new Principal(name,
                SigningPublicKey.of(r.bytes("signingKey", SigningPublicKey.LENGTH)),
                AgreementPublicKey.of(r.bytes("agreementKey", AgreementPublicKey.LENGTH)));
        String listed = r.string("fingerprint");
        if (!listed.equals(p.fingerprint())) {
            throw new JsonException(name + ": listed fingerprint " + listed
                    + " does not match the keys (" + p.fingerprint() + ")", false);
        }
        return p;
    }

    public void write(Path file) throws IOException {
        ObjectBuilder userList = ObjectBuilder.create();
        for (Principal p : users.values()) {
            userList.put(p.name(), describe(p));
        }
        JsonFiles.create(file, ObjectBuilder.create()
                .put("format", FORMAT)
                .put("version", 1)
                .put("server", describe(server))
                .put("users", userList)
                .build(), false);
    }

    private static ObjectBuilder describe(Principal p) {
        return ObjectBuilder.create()
                .put("signingKey", p.signingKey().bytes())
                .put("agreementKey", p.agreementKey().bytes())
                .put("fingerprint", p.fingerprint());
    }
}
