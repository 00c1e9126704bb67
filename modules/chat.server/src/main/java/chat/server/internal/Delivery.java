package chat.server.internal;

import chat.storage.AppendCallback;
import chat.storage.EntryKind;
import chat.storage.StorageException;
import chat.storage.StoredEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs on the store's committer thread once an entry is durable, strictly in journal
 * order: publishes the channel's new durable head, then hands the entry to every live
 * connection of every member (the sender's own included: the echo is the
 * acknowledgement). A new member's connections are told to replay the whole channel
 * instead, which includes this entry. A departure goes to the members before it, its
 * subject included, and nothing later of the channel goes to the subject (until invited
 * again). Members are those after the previous durable entry ({@link ChannelState#deliverTo}),
 * not after the newest accepted one. Must not block: connections only enqueue.
 */
final class Delivery implements AppendCallback {

    private final Hub hub;
    private final Consumer<Throwable> onFailure;

    Delivery(Hub hub, Consumer<Throwable> onFailure) {
        this.hub = hub;
        this.onFailure = onFailure;
    }

    @Override
    public void durable(StoredEntry e) {
        ChannelState ch = hub.channel(e.channel());
        DurableHead head = new DurableHead(e.seq(), e.head());
        ch.durable = head;
        boolean joins = e.kind() == EntryKind.CREATE || e.kind() == EntryKind.INVITE;
        List<String> to = ch.deliverTo;
        if (joins) {
            hub.joined(e.channel(), e.subject());
            if (!to.contains(e.subject())) {
                to = append(to, e.subject());
                ch.deliverTo = to;
            }
        }
        for (String member : to) {
            UserState user = hub.user(member); // a revoked member has no live connection left
            boolean newcomer = joins && member.equals(e.subject());
            for (Connection conn : user.live) {
                if (newcomer) {
                    conn.replay(e.channel(), 0);
                } else {
                    conn.deliver(e);
                }
            }
        }
        if (joins) {
            hub.presence.joined(e.channel(), e.subject()); // after the replay marker: the channel first
        }
        if (e.kind().isDeparture()) {
            List<String> rest = new ArrayList<>(to);
            rest.remove(e.subject());
            ch.deliverTo = List.copyOf(rest);
            hub.departed(e.channel(), e.subject(), head);
        }
    }

    private static List<String> append(List<String> list, String item) {
        List<String> out = new ArrayList<>(list);
        out.add(item);
        return List.copyOf(out);
    }

    @Override
    public void failed(StoredEntry e, StorageException cause) {
        onFailure.accept(cause);
    }
}
