package chat.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.crypto.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link ChainHash}: head(0) = SHA-256(JCS({channelID, purpose})), head(n) =
 * SHA-256(head(n-1) || JCS(entry n as delivered)). Equal heads mean equal histories: any
 * difference in order, stamps or content of any entry gives a different head.
 */
class ChainHashTest {

    static final MessageCodec CODEC = new MessageCodec();
    final RandomMessages random = new RandomMessages(42);

    Comms entry(long seq, long timestamp) {
        return random.comms().withStamp(new Stamp(seq, timestamp));
    }

    static byte[] chain(String channel, List<? extends ChannelEntry> entries) {
        byte[] head = ChainHash.genesis(channel);
        for (ChannelEntry m : entries) {
            head = ChainHash.next(head, m);
        }
        return head;
    }

    @Test
    void genesisIsTheHashOfTheCanonicalPurposeObject() {
        byte[] expected = Sha256.hash("{\"channelID\":\"general\",\"purpose\":\"chat-v1/chain\"}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(ChainHash.genesis("general")).isEqualTo(expected);
        assertThat(ChainHash.genesis("general")).isNotEqualTo(ChainHash.genesis("General"));
    }

    @Test
    void nextIsTheHashOfThePreviousHeadAndTheCanonicalEntry() {
        Comms c = entry(1, 1_000);
        byte[] genesis = ChainHash.genesis("general");
        byte[] bytes = CODEC.encode(c);
        assertThat(ChainHash.next(genesis, c)).isEqualTo(Sha256.hash(genesis, bytes))
                .isEqualTo(ChainHash.next(genesis, bytes));
        AddUser a = random.addUser().withStamp(new Stamp(2, 2_000));
        assertThat(ChainHash.next(genesis, a)).isEqualTo(ChainHash.next(genesis, CODEC.encode(a)));
    }

    @Test
    void theOrderOfEntriesMatters() {
        Comms first = entry(1, 1_000);
        Comms second = entry(2, 1_000);
        assertThat(chain("general", List.of(first, second))).isNotEqualTo(chain("general", List.of(second, first)));
    }

    @Test
    void theStampIsCoveredTimestampAndChannelSeq() {
        Comms c = entry(1, 1_000);
        byte[] head = chain("general", List.of(c));
        assertThat(chain("general", List.of(c.withStamp(new Stamp(1, 1_001))))).isNotEqualTo(head);
        assertThat(chain("general", List.of(c.withStamp(new Stamp(2, 1_000))))).isNotEqualTo(head);
        assertThatThrownBy(() -> chain("general", List.of(c.withStamp(null))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stamp");
    }

    @Test
    void theSameEntriesInAnotherChannelChainDifferently() {
        List<Comms> entries = List.of(entry(1, 1), entry(2, 2));
        assertThat(chain("general", entries)).isNotEqualTo(chain("random", entries));
    }

    @Test
    void aDroppedOrInsertedEntryChangesEveryLaterHead() {
        List<Comms> full = List.of(entry(1, 1), entry(2, 2), entry(3, 3));
        assertThat(chain("general", List.of(full.get(0), full.get(2)))).isNotEqualTo(chain("general", full));
        assertThat(chain("general", List.of(full.get(0), full.get(1), entry(3, 3), full.get(2))))
                .isNotEqualTo(chain("general", full));
    }

    @Test
    void changingAnyByteOfAnEntryChangesTheHead() {
        byte[] genesis = ChainHash.genesis("general");
        byte[] bytes = CODEC.encode(entry(1, 1_000));
        Set<String> heads = new HashSet<>();
        heads.add(HexFormat.of().formatHex(ChainHash.next(genesis, bytes)));
        for (int i = 0; i < bytes.length; i++) {
            byte[] changed = bytes.clone();
            changed[i] ^= 0x01;
            assertThat(heads.add(HexFormat.of().formatHex(ChainHash.next(genesis, changed))))
                    .as("byte %d", i).isTrue();
        }
        byte[] otherPrevious = genesis.clone();
        otherPrevious[31] ^= 1;
        assertThat(ChainHash.next(otherPrevious, bytes)).isNotEqualTo(ChainHash.next(genesis, bytes));
    }

    @Test
    void aDifferentSignatureIsADifferentHistory() {
        Comms c = entry(1, 1);
        byte[] sig = c.signature().clone();
        sig[0] ^= 1;
        Comms resigned = new Comms(c.channelID(), c.epoch(), c.userID(), c.userSeq(), c.view(), c.nonce(), c.ct(),
                sig, c.stamp());
        assertThat(chain("general", List.of(resigned))).isNotEqualTo(chain("general", List.of(c)));
    }

    @Test
    void anEntryWithoutItsStampIsNotAChainEntry() {
        byte[] genesis = ChainHash.genesis("general");
        for (ChannelEntry m : List.<ChannelEntry>of(random.comms().withStamp(null), random.addUser().withStamp(null),
                random.member().withStamp(null), random.rotate().withStamp(null))) {
            assertThatThrownBy(() -> ChainHash.next(genesis, m)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("server's stamp");
        }
    }
}
