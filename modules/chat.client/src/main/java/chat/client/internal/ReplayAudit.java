package chat.client.internal;

import chat.client.Alarm;
import chat.protocol.ChannelHead;
import chat.protocol.ReplayFinished;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks at the end of a replay: what the server claims each channel holds (its heads
 * in replayFinished) against what this device holds after the replay. A server that hides
 * a channel, shortens or forks a history, skips entries or hands us a channel we are not
 * in is caught here.
 */
final class ReplayAudit {

    private ReplayAudit() {
    }

    /**
     * The alarms, in order. {@code rejected} names the channels new to this device whose
     * delivery was rejected: they have had their alarm already.
     */
    static List<Alarm> audit(ReplayFinished r, Collection<ChannelLedger> held, Set<String> rejected, String me) {
        List<Alarm> alarms = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ChannelLedger ledger : held) {
            names.add(ledger.name);
            ChannelHead claimed = r.heads().get(ledger.name);
            if (claimed == null) {
                alarms.add(new Alarm(ledger.name, 0, Alarm.Kind.CHANNEL_WITHHELD, "the server no longer lists channel "
                        + ledger.name + ", which this device holds up to #" + ledger.lastSeq()));
            } else if (claimed.seq() < ledger.lastSeq()) {
                alarms.add(new Alarm(ledger.name, claimed.seq(), Alarm.Kind.SHORTER_HISTORY, "the server claims the"
                        + " channel ends at #" + claimed.seq() + " but this device holds it up to #" + ledger.lastSeq()));
            } else if (claimed.seq() == ledger.lastSeq() && !Arrays.equals(claimed.head(), ledger.head(ledger.lastSeq()))) {
                alarms.add(new Alarm(ledger.name, claimed.seq(), Alarm.Kind.FORK, "the server's chain head at #"
                        + claimed.seq() + " differs from ours: it holds a different history"));
            } else if (claimed.seq() > ledger.lastSeq() && !ledger.problemReported()) {
                alarms.add(new Alarm(ledger.name, ledger.lastSeq() + 1, Alarm.Kind.GAP, "the server claims entries up"
                        + " to #" + claimed.seq() + " but delivered only up to #" + ledger.lastSeq()));
            }
        }
        for (ChannelLedger ledger : held) {
            if (!ledger.isMember(me) && ledger.ownDeparture() == null) {
                alarms.add(new Alarm(ledger.name, 0, Alarm.Kind.NOT_MEMBER, "the server delivered channel "
                        + ledger.name + ", of which you are not a member"));
            }
        }
        for (Map.Entry<String, ChannelHead> e : r.heads().entrySet()) {
            String channel = e.getKey();
            if (!names.contains(channel) && !rejected.contains(channel) && e.getValue().seq() > 0) {
                alarms.add(new Alarm(channel, 1, Alarm.Kind.GAP, "the server lists channel " + channel
                        + " up to #" + e.getValue().seq() + " but delivered none of it"));
            }
        }
        return alarms;
    }
}
