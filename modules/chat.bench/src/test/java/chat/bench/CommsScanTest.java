package chat.bench;

import static org.assertj.core.api.Assertions.assertThat;

import chat.crypto.MalformedInputException;
import chat.protocol.AddUser;
import chat.protocol.ChainHash;
import chat.protocol.ChannelCrypto;
import chat.protocol.Comms;
import chat.protocol.Entries;
import chat.protocol.ErrorCode;
import chat.protocol.ErrorMessage;
import chat.protocol.MessageCodec;
import chat.protocol.Stamp;
import chat.protocol.View;
import chat.protocol.identity.IdentityKeys;
import org.junit.jupiter.api.Test;

class CommsScanTest {

    private final MessageCodec codec = new MessageCodec();
    private final IdentityKeys alice = IdentityKeys.generate("u00042");
    private final byte[] key = ChannelCrypto.newChannelKey();

    @Test
    void readsTheFieldsOfAStampedComms() throws MalformedInputException {
        Comms c = Entries.comms(alice.signing(), "bench-0007", 0, "u00042", 123456789L,
                new View(11, ChainHash.genesis("bench-0007")), key, "userSeq \"type\":\"comms\" in the text");
        byte[] json = codec.encode(c.withStamp(new Stamp(9876543210L, 1_700_000_000_000L)));
        CommsScan scan = new CommsScan();
        assertThat(scan.scan(json)).isTrue();
        assertThat(scan.channel).isEqualTo("bench-0007");
        assertThat(scan.channelSeq).isEqualTo(9876543210L);
        assertThat(scan.userID).isEqualTo("u00042");
        assertThat(scan.userSeq).isEqualTo(123456789L);
    }

    @Test
    void refusesEverythingElse() throws MalformedInputException {
        CommsScan scan = new CommsScan();
        AddUser create = Entries.addUser(alice.signing(), "general", 0, "u00042", "u00042",
                alice.agreement().publicKey(), key, 1, new View(0, ChainHash.genesis("general")));
        assertThat(scan.scan(codec.encode(create.withStamp(new Stamp(1, 5))))).isFalse();
        assertThat(scan.scan(codec.encode(new ErrorMessage(ErrorCode.STALE_USER_SEQ, "\"type\":\"comms\"", "general", 3L, 4L))))
                .isFalse();
        Comms unstamped = Entries.comms(alice.signing(), "general", 0, "u00042", 1,
                new View(0, ChainHash.genesis("general")), key, "hi");
        assertThat(scan.scan(codec.encode(unstamped))).isFalse();
        assertThat(scan.scan(new byte[0])).isFalse();
    }
}
