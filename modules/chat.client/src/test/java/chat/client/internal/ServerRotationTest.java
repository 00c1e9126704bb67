package chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.client.ClientOptions;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The order in which the client tries the relays of its deployment. */
class ServerRotationTest {

    private static final InetSocketAddress A = InetSocketAddress.createUnresolved("a", 1);
    private static final InetSocketAddress B = InetSocketAddress.createUnresolved("b", 2);
    private static final InetSocketAddress C = InetSocketAddress.createUnresolved("c", 3);

    @Test
    void theFirstRoundTriesTheAddressesInTheOrderGiven() {
        assertThat(new ServerRotation(List.of(A, B, C)).round()).containsExactly(A, B, C);
    }

    @Test
    void aRoundStartsWithTheAddressThatLastWorked() {
        ServerRotation r = new ServerRotation(List.of(A, B, C));
        r.worked(B);
        assertThat(r.round()).containsExactly(B, C, A);
        assertThat(r.round()).as("a lost connection does not move the start").containsExactly(B, C, A);
    }

    @Test
    void aFailedAddressMovesTheStartToTheNext() {
        ServerRotation r = new ServerRotation(List.of(A, B, C));
        r.failed(A);
        assertThat(r.round()).containsExactly(B, C, A);
        r.failed(B);
        r.worked(C);
        assertThat(r.round()).containsExactly(C, A, B);
        r.failed(A); // not where a round starts: no change
        assertThat(r.round()).containsExactly(C, A, B);
    }

    @Test
    void aWholeFailedRoundComesBackToWhereItBegan() {
        ServerRotation r = new ServerRotation(List.of(A, B, C));
        r.worked(B);
        r.round().forEach(r::failed);
        assertThat(r.round()).containsExactly(B, C, A);
    }

    @Test
    void oneAddressIsAlwaysTheRound() {
        ServerRotation r = new ServerRotation(List.of(A));
        r.failed(A);
        assertThat(r.round()).containsExactly(A);
        r.worked(A);
        assertThat(r.round()).containsExactly(A);
    }

    @Test
    void theOptionsRefuseNoAddressTooManyAndDuplicates() {
        Duration s = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new ClientOptions(List.of(), s, s, s, s))
                .hasMessage("at least one server address is needed");
        List<InetSocketAddress> seventeen = IntStream.rangeClosed(1, 17)
                .mapToObj(i -> new InetSocketAddress("127.0.0.1", 9000 + i)).toList();
        assertThatThrownBy(() -> new ClientOptions(seventeen, s, s, s, s))
                .hasMessage("17 server addresses exceed the limit of 16");
        assertThatThrownBy(() -> new ClientOptions(List.of(new InetSocketAddress("127.0.0.1", 1),
                new InetSocketAddress("127.0.0.1", 1)), s, s, s, s))
                .hasMessage("the server address 127.0.0.1:1 is listed twice");
        ClientOptions one = ClientOptions.defaults(new InetSocketAddress("127.0.0.1", 8989));
        assertThat(one.servers()).containsExactly(one.server());
        assertThat(ClientOptions.text(new InetSocketAddress("::1", 5))).isEqualTo("[0:0:0:0:0:0:0:1]:5");
    }
}
