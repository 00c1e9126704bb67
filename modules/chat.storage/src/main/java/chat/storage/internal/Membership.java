package chat.storage.internal;

import chat.storage.ChannelState;
import chat.storage.StoredEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The membership rules of docs/protocol.md ("Roles and membership changes") applied to one
 * journal entry. The server checked each entry against them before accepting it, so here
 * they only fold: an entry that would break a rule (a REMOVE of a non-member, say) changes
 * nothing it cannot.
 *
 * <p>Succession: when a departure leaves members but no admin, the member who joined
 * earliest becomes admin. {@code members} is kept in the order of each member's current
 * join (a re-invited user goes to the end), so that member is the first.
 */
public final class Membership {

    private Membership() {
    }

    public static ChannelState apply(ChannelState s, StoredEntry e) {
        List<String> members = new ArrayList<>(s.members());
        List<String> admins = new ArrayList<>(s.admins());
        Map<String, Long> departed = new HashMap<>(s.departed());
        long epoch = s.epoch();
        boolean pending = s.rotationPending();
        switch (e.kind()) {
            case CREATE, MESSAGE, EXPIRED -> {
                return s;
            }
            case INVITE -> {
                if (!members.contains(e.subject())) {
                    members.add(e.subject());
                }
                departed.remove(e.subject());
            }
            case LEAVE, REMOVE -> {
                if (members.remove(e.subject())) {
                    admins.remove(e.subject());
                    if (admins.isEmpty() && !members.isEmpty()) {
                        admins.add(members.getFirst());
                    }
                    departed.put(e.subject(), e.seq());
                }
                pending = true;
            }
            case ADMIN -> {
                if (members.contains(e.subject()) && !admins.contains(e.subject())) {
                    admins.add(e.subject());
                }
            }
            case ROTATE -> {
                epoch++;
                pending = false;
            }
        }
        return new ChannelState(s.name(), e.seq(), e.head(), members, admins, epoch, pending, departed);
    }
}
