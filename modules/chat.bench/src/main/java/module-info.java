/**
 * The load generator of issue 4: starts the server image as a subprocess, drives it with
 * many protocol clients over 127.0.0.1 and reports accepted messages and deliveries per
 * second, delivery latency, and the server's CPU and memory, measured apart from its own.
 * A tool, not a library: it exports nothing.
 */
module chat.bench {
    requires chat.protocol;
    requires info.picocli;

    opens chat.bench to info.picocli; // picocli reads the option annotations reflectively
}
