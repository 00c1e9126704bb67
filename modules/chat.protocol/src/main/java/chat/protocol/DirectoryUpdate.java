package chat.protocol;

import chat.protocol.identity.DirectoryVersion;
import java.util.List;

/**
 * Server to client: consecutive versions of the directory log, the answer to
 * {@link DirectoryGet} and, unasked, whenever the server loads a newer log. The client
 * verifies them against the log it holds (docs/protocol.md, "The directory log").
 */
public record DirectoryUpdate(List<DirectoryVersion> versions) implements Message {

    public static final String TYPE = "directory";

    public DirectoryUpdate {
        versions = List.copyOf(versions);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
