package chat.launcher;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.LogManager;

/**
 * Sets up java.util.logging, which backs System.Logger in the image: one line per record
 * on standard error ("2026-11-25 18:52:48.123 INFO chat.server: message"), at the level
 * asked for. Only the launcher does this; the modules just log.
 */
final class Logging {

    private Logging() {
    }

    static void configure(String level) {
        String config = String.join("\n",
                "handlers=java.util.logging.ConsoleHandler",
                ".level=" + level,
                // the PostgreSQL store's connection pool: its start and stop lines are noise; its
                // warnings (a lost connection) are not
                "com.zaxxer.hikari.level=" + ("INFO".equals(level) ? "WARNING" : level),
                "java.util.logging.ConsoleHandler.level=ALL",
                "java.util.logging.ConsoleHandler.formatter=java.util.logging.SimpleFormatter",
                "java.util.logging.SimpleFormatter.format=%1$tF %1$tT.%1$tL %4$s %3$s: %5$s%6$s%n",
                "");
        try {
            LogManager.getLogManager().readConfiguration(new ByteArrayInputStream(config.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Quiet: only severe problems, for interactive frontends. */
    static void quiet() {
        configure("SEVERE");
    }
}
