package chat.frontend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusLineTest {

    private final Instant now = Instant.parse("2026-11-25T12:00:00Z");
    private final StatusLine.Connection online = new StatusLine.Connection.Online();

    @Test
    void theBarShowsUserChannelUnreadAlarmsAndConnection() {
        Map<String, Integer> unread = new LinkedHashMap<>();
        unread.put("dev", 5);
        unread.put("random", 2);
        StatusLine line = new StatusLine("alice", "general", unread, 2,
                new StatusLine.Connection.Offline("lost", now.plusMillis(3200)));
        assertThat(line.bar(now).toString())
                .isEqualTo(" alice | #general | #dev 5, #random 2 |  !! 2 alarms: /alarms  | offline, retrying in 4s ");
        assertThat(line.prompt(false, now).toString()).isEqualTo("#general> ");
        assertThat(line.prompt(true, now).toString())
                .isEqualTo("[!! 2 alarms] (offline, retrying in 4s) [+7 unread] #general> ");
    }

    @Test
    void aQuietStateIsShort() {
        StatusLine line = new StatusLine("alice", null, Map.of(), 0, online);
        assertThat(line.bar(now).toString()).isEqualTo(" alice | no channel ");
        assertThat(line.prompt(true, now).toString()).isEqualTo("> ");
        StatusLine failed = new StatusLine("alice", "x", Map.of(), 1, new StatusLine.Connection.Failed("key"));
        assertThat(failed.bar(now).toString()).endsWith("| disconnected, not retrying ");
        StatusLine due = new StatusLine("alice", "x", Map.of(), 0, new StatusLine.Connection.Offline("lost", now));
        assertThat(due.bar(now).toString()).endsWith("| offline, reconnecting... ");
    }

    @Test
    void channelNumbersAndPagingShowInTheBar() {
        Map<String, Integer> unread = new LinkedHashMap<>();
        unread.put("random", 2);
        StatusLine line = new StatusLine("alice", "general", unread, 0, online, Map.of("general", 1, "random", 2),
                "scrolled back, 3 new below: PageDown");
        assertThat(line.bar(now).toString())
                .isEqualTo(" alice | 1:#general | scrolled back, 3 new below: PageDown | 2:#random 2 ");
        assertThat(line.prompt(false, now).toString()).isEqualTo("#general> ");
    }
}
