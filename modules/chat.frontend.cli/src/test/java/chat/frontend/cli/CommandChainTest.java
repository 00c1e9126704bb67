package chat.frontend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class CommandChainTest {

    private final CommandChain chain = new CommandChain();
    private final List<String> ran = new CopyOnWriteArrayList<>();

    private <T> CompletableFuture<T> run(String name, CompletableFuture<T> answer, boolean barrier) {
        return chain.submit(() -> {
            ran.add(name);
            return answer;
        }, barrier);
    }

    @Test
    void withNothingOutstandingCommandsRunAtOnce() {
        run("a", CompletableFuture.completedFuture(1L), false);
        run("b", new CompletableFuture<Long>(), false);
        run("c", new CompletableFuture<Long>(), false);
        assertThat(ran).containsExactly("a", "b", "c");
        assertThat(chain.waiting()).isZero();
    }

    @Test
    void commandsAfterABarrierWaitForItsAnswerAndKeepTheirOrder() throws Exception {
        CompletableFuture<Long> created = new CompletableFuture<>();
        run("create", created, true);
        run("send 1", new CompletableFuture<Long>(), false);
        run("send 2", new CompletableFuture<Long>(), false);
        assertThat(ran).containsExactly("create");
        assertThat(chain.waiting()).isEqualTo(2);
        assertThat(chain.drain(Duration.ofMillis(1))).isFalse();

        created.complete(1L);
        assertThat(ran).containsExactly("create", "send 1", "send 2");
        assertThat(chain.waiting()).isZero();
        assertThat(chain.drain(Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void aRefusedBarrierDoesNotStopWhatFollows() {
        CompletableFuture<Long> created = new CompletableFuture<>();
        run("create", created, true);
        run("send", CompletableFuture.completedFuture(2L), false);
        created.completeExceptionally(new IllegalStateException("refused"));
        assertThat(ran).containsExactly("create", "send");
    }

    @Test
    void aCommandThatThrowsFailsItsOwnFutureOnly() {
        CompletableFuture<Object> failed = chain.submit(() -> {
            throw new IllegalStateException("boom");
        }, true);
        assertThat(failed).isCompletedExceptionally();
        run("next", CompletableFuture.completedFuture(1L), false);
        assertThat(ran).containsExactly("next");
    }
}
