package chat.frontend.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * What stays visible while you chat: who you are, the current channel, unread messages
 * elsewhere, alarms not yet looked at, and the connection. It goes into the status bar
 * ({@code  alice | #general | #random 2 | !! 1 alarm: /alarms | offline, retrying in 4s }),
 * or into the prompt where there is no status bar.
 *
 * @param unread unread counts of the other channels, in the order to show them
 * @param numbers each channel's number (/1../9, Alt-1..Alt-9), shown in front of its name
 * @param scrolled what the bar says while you page back through the history (null when not)
 */
record StatusLine(String user, String channel, Map<String, Integer> unread, int alarms, Connection connection,
                  Map<String, Integer> numbers, String scrolled) {

    static final AttributedStyle BAR = AttributedStyle.INVERSE;
    private static final AttributedStyle ALARMS = AttributedStyle.BOLD.foreground(AttributedStyle.WHITE)
            .background(AttributedStyle.RED);

    StatusLine {
        unread = Collections.unmodifiableMap(new LinkedHashMap<>(unread));
        numbers = Map.copyOf(numbers);
    }

    StatusLine(String user, String channel, Map<String, Integer> unread, int alarms, Connection connection) {
        this(user, channel, unread, alarms, connection, Map.of(), null);
    }

    private String label(String name) {
        Integer n = numbers.get(name);
        return (n == null ? "" : n + ":") + "#" + name;
    }

    /** The state of the connection, as the client last reported it. */
    sealed interface Connection {
        record Online() implements Connection {
        }

        /** Lost; the client tries again at {@code retryAt}. */
        record Offline(String reason, Instant retryAt) implements Connection {
        }

        /** The client stopped trying (e.g. the server's key changed). */
        record Failed(String reason) implements Connection {
        }
    }

    AttributedString bar(Instant now) {
        AttributedStringBuilder b = new AttributedStringBuilder().style(BAR);
        b.append(' ').append(user).append(" | ").append(channel == null ? "no channel" : label(channel));
        if (scrolled != null) {
            b.append(" | ").style(BAR.bold()).append(scrolled).style(BAR);
        }
        if (!unread.isEmpty()) {
            b.append(" | ");
            boolean first = true;
            for (var e : unread.entrySet()) {
                b.append(first ? "" : ", ").append(label(e.getKey())).append(' ')
                        .append(String.valueOf(e.getValue()));
                first = false;
            }
        }
        if (alarms > 0) {
            b.append(" | ").style(ALARMS).append(" !! ").append(alarmCount()).append(": /alarms ").style(BAR);
        }
        String conn = connection(now);
        if (conn != null) {
            b.append(" | ").style(BAR.bold()).append(conn).style(BAR);
        }
        return b.append(' ').toAttributedString();
    }

    /** The prompt; {@code withState} puts what the status bar would show in front of it. */
    AttributedString prompt(boolean withState, Instant now) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        if (withState) {
            if (alarms > 0) {
                b.style(LineFormat.ALARM).append("[!! ").append(alarmCount()).append("] ").style(AttributedStyle.DEFAULT);
            }
            String conn = connection(now);
            if (conn != null) {
                b.style(LineFormat.DIM).append('(').append(conn).append(") ").style(AttributedStyle.DEFAULT);
            }
            int elsewhere = unread.values().stream().mapToInt(Integer::intValue).sum();
            if (elsewhere > 0) {
                b.style(LineFormat.DIM).append("[+").append(String.valueOf(elsewhere)).append(" unread] ")
                        .style(AttributedStyle.DEFAULT);
            }
        }
        if (channel != null) {
            b.style(AttributedStyle.BOLD).append('#').append(channel).style(AttributedStyle.DEFAULT);
        }
        return b.append("> ").toAttributedString();
    }

    private String alarmCount() {
        return alarms == 1 ? "1 alarm" : alarms + " alarms";
    }

    private String connection(Instant now) {
        return switch (connection) {
            case Connection.Online o -> null;
            case Connection.Offline off -> {
                long seconds = (Duration.between(now, off.retryAt()).toMillis() + 999) / 1000;
                yield seconds > 0 ? "offline, retrying in " + seconds + "s" : "offline, reconnecting...";
            }
            case Connection.Failed f -> "disconnected, not retrying";
        };
    }
}
