package chat.protocol;

/**
 * The directory version a sender held when it wrote a message, carried inside the
 * encrypted plaintext of every comms ({"directory": {"number": N, "head": H}}). Readers
 * compare it with their own log: a server that shows different directories to different
 * members is caught by the next message that crosses between them
 * (docs/protocol.md, "The directory log").
 */
public record DirectoryClaim(long number, byte[] head) {
}
