package chat.storage;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what the store logs on "chat.storage". System.Logger is backed by
 * java.util.logging when no other backend is installed, as in these tests.
 */
final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger = Logger.getLogger("chat.storage");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private final boolean parentHandlers = logger.getUseParentHandlers();

    /** Captures, and keeps expected warnings off the console meanwhile. */
    LogCapture() {
        logger.addHandler(this);
        logger.setUseParentHandlers(false);
    }

    List<String> warnings() {
        return records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogRecord::getMessage).toList();
    }

    List<String> records() {
        return records.stream().map(LogRecord::getMessage).toList();
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.setUseParentHandlers(parentHandlers);
        logger.removeHandler(this);
    }
}
