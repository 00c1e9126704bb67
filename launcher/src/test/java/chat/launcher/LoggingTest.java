package chat.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Log lines for the journal: a syslog priority prefix and no time stamp, only when standard error is the journal. */
class LoggingTest {

    @TempDir
    Path tmp;

    private static String format(Level level, String message, Throwable thrown) {
        LogRecord r = new LogRecord(level, message);
        r.setLoggerName("chat.server");
        r.setParameters(new Object[] {"127.0.0.1", 8989});
        r.setThrown(thrown);
        return new Logging.JournalFormatter().format(r);
    }

    @Test
    void eachLevelGetsItsSyslogPriorityAndNoTimeStamp() {
        assertThat(format(Level.INFO, "listening on {0}:{1,number,#}", null))
                .isEqualTo("<6>chat.server: listening on 127.0.0.1:8989\n");
        assertThat(format(Level.WARNING, "slow", null)).isEqualTo("<4>chat.server: slow\n");
        assertThat(format(Level.SEVERE, "failed", null)).isEqualTo("<3>chat.server: failed\n");
        assertThat(format(Level.FINE, "detail", null)).isEqualTo("<7>chat.server: detail\n");
    }

    @Test
    void everyLineOfAStackTraceKeepsThePriority() {
        String text = format(Level.SEVERE, "storage failed", new java.io.IOException("disk full"));
        assertThat(text).startsWith("<3>chat.server: storage failed\n<3>java.io.IOException: disk full\n<3>\tat ");
        assertThat(text.lines()).allSatisfy(line -> assertThat(line).startsWith("<3>"));
    }

    @Test
    void theJournalIsRecognisedByTheDeviceAndInodeOfStandardError() throws Exception {
        Path stderr = Files.createFile(tmp.resolve("stderr"));
        String id = Files.getAttribute(stderr, "unix:dev") + ":" + Files.getAttribute(stderr, "unix:ino");
        assertThat(Logging.isJournal(id, stderr)).isTrue();
        Path other = Files.createFile(tmp.resolve("other"));
        assertThat(Logging.isJournal(id, other)).isFalse(); // inherited JOURNAL_STREAM, stderr redirected
        assertThat(Logging.isJournal(null, stderr)).isFalse();
        assertThat(Logging.isJournal("garbage", stderr)).isFalse();
    }
}
