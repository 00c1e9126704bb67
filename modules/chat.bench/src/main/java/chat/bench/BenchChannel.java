package chat.bench;

import chat.protocol.ChainHash;
import chat.protocol.ChannelCrypto;
import chat.protocol.View;
import java.util.ArrayList;
import java.util.List;

/**
 * A channel of the run: its members (indexes into the population; the first creates it),
 * its key, and the view its messages carry. The view is the channel's head once set up:
 * a member who has read nothing since would sign exactly that, and the server checks only
 * that a view is not ahead of the channel, so no member needs to hash every delivery.
 */
final class BenchChannel {

    final String name;
    final int[] members;
    final byte[] key = ChannelCrypto.newChannelKey();
    volatile View view;

    BenchChannel(String name, int[] members) {
        this.name = name;
        this.members = members;
        this.view = new View(0, ChainHash.genesis(name));
    }

    int creator() {
        return members[0];
    }

    /**
     * {@code channels} channels of {@code members} each, dealt round-robin over the clients:
     * channel c has clients c*members .. c*members + members - 1 (mod clients). With 200
     * clients, 20 channels and 10 members every client is in exactly one channel.
     */
    static List<BenchChannel> plan(int clients, int channels, int members) {
        if (members > clients) {
            throw new IllegalArgumentException(members + " members per channel but only " + clients + " clients");
        }
        List<BenchChannel> plan = new ArrayList<>(channels);
        for (int c = 0; c < channels; c++) {
            int[] m = new int[members];
            for (int i = 0; i < members; i++) {
                m[i] = (c * members + i) % clients;
            }
            plan.add(new BenchChannel(String.format("bench-%04d", c), m));
        }
        return plan;
    }
}
