package chat.server.internal;

import chat.storage.AppendCallback;
import chat.storage.EntryKind;
import chat.storage.StorageException;
import chat.storage.StoredEntry;
import java.util.function.Consumer;

/**
 * Runs on the store's committer thread once an entry is durable, strictly in journal
 * order: publishes the channel's new durable head, then hands the entry to every live
 * connection of every member (the sender's own included: the echo is the
 * acknowledgement). A new member's connections are told to replay the whole channel
 * instead, which includes this entry. Must not block: connections only enqueue.
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
        ch.durable = new DurableHead(e.seq(), e.head());
        boolean joins = e.kind() == EntryKind.CREATE || e.kind() == EntryKind.INVITE;
        if (joins) {
            hub.joined(e.channel(), e.subject());
        }
        for (String member : ch.memberSnapshot) {
            UserState user = hub.user(member);
            if (user == null) {
                continue; // a member the current directory no longer lists: nobody to deliver to
            }
            boolean newcomer = joins && member.equals(e.subject());
            for (Connection conn : user.live) {
                if (newcomer) {
                    conn.replay(e.channel(), 0);
                } else {
                    conn.deliver(e);
                }
            }
        }
    }

    @Override
    public void failed(StoredEntry e, StorageException cause) {
        onFailure.accept(cause);
    }
}
