/**
 * The {@code chat} command: {@code generate} creates identities; the server and client
 * commands join as their modules arrive. Only this module and the frontends talk to the
 * terminal; everything below returns values or raises typed exceptions.
 */
module chat.launcher {
    requires chat.protocol;
    requires info.picocli;

    opens chat.launcher to info.picocli; // picocli reads the command annotations reflectively
}
