/**
 * The {@code chat} command: {@code generate} creates identities; the server and client
 * commands join as their modules arrive. Only this module and the frontends talk to the
 * terminal; everything below returns values or raises typed exceptions.
 */
module chat.launcher {
    requires chat.protocol;
    requires chat.server;
    requires chat.client;
    requires info.picocli;
    requires java.logging; // configures the backend of System.Logger
    requires jdk.unsupported; // sun.misc.Signal: SIGTERM and Ctrl-C start a clean shutdown

    opens chat.launcher to info.picocli; // picocli reads the command annotations reflectively
}
