package chat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import chat.protocol.identity.Directory;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.wire.ClientHandshake;
import chat.protocol.wire.FrameOpener;
import chat.protocol.wire.FrameReader;
import chat.protocol.wire.ServerHandshake;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Property-based fuzzing of what a peer controls (attack review, "Soak, kill and fuzz"):
 * the frame reader, the message codec and the server's side of the handshake. Whatever the
 * bytes, each either yields a value or refuses with a {@link ProtocolException} (an
 * {@link IOException} for a stream that ends); nothing else escapes, and a decoded message
 * re-encodes to itself. The corpus is the valid messages of {@link RandomMessages} (every
 * type, edge values), mutated byte by byte; jqwik shrinks a failure to its smallest input.
 *
 * <p>Tries default to a short run for the test suite; {@code scripts/fuzz} runs them long
 * ({@code -Djqwik.tries.default=N}) and docs/reliability.md records the figures.
 */
class FuzzPropertiesTest {

    private static final MessageCodec CODEC = new MessageCodec();
    /** Bytes that matter to JSON, for mutations that land on structure rather than noise. */
    private static final byte[] JSON_BYTES = "{}[]\",:0123456789.eE\\u -tfn".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final IdentityKeys SERVER = IdentityKeys.generate("server");
    private static final IdentityKeys ALICE = IdentityKeys.generate("alice");
    private static final Directory DIRECTORY = new Directory(SERVER.principal(), Map.of("alice", ALICE.principal()));

    /** A valid message of any type, encoded, with 0-8 byte mutations (flip, set, insert, delete). */
    @Provide
    Arbitrary<byte[]> mutatedMessages() {
        return Arbitraries.longs().map(seed -> {
            Random r = new Random(seed);
            byte[] b = CODEC.encode(new RandomMessages(seed).any());
            int mutations = r.nextInt(9);
            for (int i = 0; i < mutations && b.length > 0; i++) {
                int at = r.nextInt(b.length);
                switch (r.nextInt(4)) {
                    case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                    case 1 -> b[at] = JSON_BYTES[r.nextInt(JSON_BYTES.length)];
                    case 2 -> {
                        byte[] longer = new byte[b.length + 1];
                        System.arraycopy(b, 0, longer, 0, at);
                        longer[at] = (byte) r.nextInt(256);
                        System.arraycopy(b, at, longer, at + 1, b.length - at);
                        b = longer;
                    }
                    default -> {
                        byte[] shorter = new byte[b.length - 1];
                        System.arraycopy(b, 0, shorter, 0, at);
                        System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
                        b = shorter;
                    }
                }
            }
            return b;
        });
    }

    @Property
    void theCodecDecodesOrRefusesMutatedMessagesAndWhatItDecodesReencodesToItself(
            @ForAll("mutatedMessages") byte[] input) throws ProtocolException {
        Message m;
        try {
            m = CODEC.decode(input);
        } catch (ProtocolException refused) {
            assertThat(refused.code()).isNotNull();
            return;
        }
        byte[] again = CODEC.encode(m);
        assertThat(CODEC.encode(CODEC.decode(again))).isEqualTo(again);
    }

    @Property
    void theCodecRefusesArbitraryBytesWithAProtocolError(@ForAll @Size(max = 600) byte[] input) {
        try {
            CODEC.decode(input);
        } catch (ProtocolException refused) {
            assertThat(refused.code()).isNotNull();
        }
    }

    @Property
    void theFrameReaderReadsOrRefusesAnyStream(@ForAll @Size(max = 2048) byte[] stream) {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(stream), 1024);
        try {
            for (int frames = 0; frames <= stream.length; frames++) {
                byte[] frame = reader.read();
                if (frame == null) {
                    return;
                }
                assertThat(frame.length).isBetween(1, 1024);
            }
        } catch (ProtocolException | IOException refused) {
            // a refusal is the right answer to a bad stream
        }
    }

    /** A valid hello with mutations: the server's handshake answers it or refuses it, nothing else. */
    @Property
    void theServerHandshakeAnswersOrRefusesAnyHello(@ForAll long seed) {
        Random r = new Random(seed);
        byte[] hello = CODEC.encode(new ClientHandshake(ALICE, SERVER.principal()).start());
        for (int i = r.nextInt(4); i >= 0; i--) {
            hello[r.nextInt(hello.length)] ^= (byte) (1 << r.nextInt(8));
        }
        try {
            if (CODEC.decode(hello) instanceof InitConn initConn) {
                ServerHandshake handshake = new ServerHandshake(SERVER, DIRECTORY);
                InitKey answer = handshake.accept(initConn);
                assertThat(answer).isNotNull();
                FrameOpener opener = handshake.keys().serverOpener();
                // garbage where initConfirm should be: refused, never accepted
                byte[] junk = Arrays.copyOf(hello, 48);
                try {
                    handshake.confirm((InitConfirm) CODEC.decode(opener.open(junk)));
                } catch (ProtocolException | ClassCastException refused) {
                    // refused (a decrypted frame that is not initConfirm never gets this far)
                }
            }
        } catch (ProtocolException refused) {
            assertThat(refused.code()).isNotNull();
        }
    }
}
