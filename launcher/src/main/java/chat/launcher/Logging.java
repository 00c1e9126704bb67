package chat.launcher;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sets up java.util.logging, which backs System.Logger in the image: one line per record
 * on standard error ("2026-11-25 18:52:48.123 INFO chat.server: message"), at the level
 * asked for. Only the launcher does this; the modules just log.
 *
 * <p>Under systemd, when standard error is the journal's stream ({@code JOURNAL_STREAM}
 * names it), a line is "{@code <6>chat.server: message}" instead: the journal stamps
 * each line with its own time, and reads the {@code <N>} prefix as the syslog priority
 * (3 error, 4 warning, 6 info, 7 debug), so that {@code journalctl -p warning} works.
 */
final class Logging {

    /** Set by {@link #configure} when standard error is the journal's stream. */
    private static volatile boolean journal;

    private Logging() {
    }

    /**
     * What goes before a line the launcher prints on standard error itself ("chat: warning:
     * ...", "chat: ..." before an exit): its journal priority once {@link #configure} found
     * the journal there, else nothing.
     */
    static String journalPrefix(Level level) {
        return journal ? "<" + JournalFormatter.priority(level) + ">" : "";
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
        journal = isJournal(System.getenv("JOURNAL_STREAM"), Path.of("/proc/self/fd/2"));
        if (journal) {
            for (Handler h : Logger.getLogger("").getHandlers()) {
                h.setFormatter(new JournalFormatter());
            }
        }
    }

    /** Quiet: only severe problems, for interactive frontends. */
    static void quiet() {
        configure("SEVERE");
    }

    /**
     * True if {@code stderr} is the stream systemd named in {@code journalStream}
     * ("DEVICE:INODE", as systemd.exec(5) says to check): a JOURNAL_STREAM inherited by a
     * process whose standard error was redirected elsewhere does not count.
     */
    static boolean isJournal(String journalStream, Path stderr) {
        if (journalStream == null || !journalStream.matches("\\d+:\\d+")) {
            return false;
        }
        try {
            Object dev = Files.getAttribute(stderr, "unix:dev");
            Object ino = Files.getAttribute(stderr, "unix:ino");
            return journalStream.equals(dev + ":" + ino);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false; // not Linux, or no /proc: not knowingly the journal
        }
    }

    /** "{@code <N>logger: message}", each line of a multi-line record with the same priority. */
    static final class JournalFormatter extends java.util.logging.Formatter {

        @Override
        public String format(LogRecord record) {
            String text = record.getLoggerName() + ": " + formatMessage(record);
            if (record.getThrown() != null) {
                java.io.StringWriter trace = new java.io.StringWriter();
                record.getThrown().printStackTrace(new java.io.PrintWriter(trace));
                text += System.lineSeparator() + trace.toString().stripTrailing();
            }
            String prefix = "<" + priority(record.getLevel()) + ">";
            StringBuilder out = new StringBuilder();
            text.lines().forEach(line -> out.append(prefix).append(line).append('\n'));
            return out.toString();
        }

        /** The syslog priority of a level: SEVERE 3 (err), WARNING 4, INFO and CONFIG 6, finer 7 (debug). */
        static int priority(Level level) {
            int v = level.intValue();
            return v >= Level.SEVERE.intValue() ? 3 : v >= Level.WARNING.intValue() ? 4 : v >= Level.CONFIG.intValue() ? 6 : 7;
        }
    }
}
