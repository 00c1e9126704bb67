package chat.frontend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class CommandChainTest {

    private final CommandChain chain = new CommandChain();
    private final List<String> ran = new CopyOnWriteArrayList<>();
    private final List<String> waited = new CopyOnWriteArrayList<>();

    private <T> CompletableFuture<T> run(String name, CompletableFuture<T> answer, String barrier) {
        return chain.submit(new CommandChain.Line(name, "x"), barrier, what -> waited.add(name + " waits for " + what),
                () -> {
                    ran.add(name);
                    return answer;
                });
    }

    @Test
    void withNothingOutstandingCommandsRunAtOnce() {
        run("a", CompletableFuture.completedFuture(1L), null);
        run("b", new CompletableFuture<Long>(), null);
        run("c", new CompletableFuture<Long>(), null);
        assertThat(ran).containsExactly("a", "b", "c");
        assertThat(waited).isEmpty();
        assertThat(chain.waiting()).isZero();
        assertThat(chain.settled()).isDone();
    }

    @Test
    void commandsAfterABarrierWaitForItsAnswerKeepTheirOrderAndSaySo() {
        CompletableFuture<Long> created = new CompletableFuture<>();
        run("create", created, "#x to be created");
        run("send 1", new CompletableFuture<Long>(), null);
        CompletableFuture<Long> invited = new CompletableFuture<>();
        run("invite", invited, "bob to be added to #x");
        run("send 2", new CompletableFuture<Long>(), null);
        assertThat(ran).containsExactly("create");
        assertThat(waited).containsExactly("send 1 waits for #x to be created", "invite waits for #x to be created",
                "send 2 waits for bob to be added to #x");
        assertThat(chain.waiting()).isEqualTo(3);
        assertThat(chain.settled()).isNotDone();

        created.complete(1L);
        assertThat(ran).containsExactly("create", "send 1", "invite");
        assertThat(chain.waiting()).isEqualTo(1);
        invited.complete(2L);
        assertThat(ran).containsExactly("create", "send 1", "invite", "send 2");
        assertThat(chain.waiting()).isZero();
        assertThat(chain.settled()).isDone();
    }

    @Test
    void aRefusedBarrierDoesNotStopWhatFollows() {
        CompletableFuture<Long> created = new CompletableFuture<>();
        run("create", created, "#x to be created");
        run("send", CompletableFuture.completedFuture(2L), null);
        created.completeExceptionally(new IllegalStateException("refused"));
        assertThat(ran).containsExactly("create", "send");
        assertThat(chain.settled()).isCompleted();
    }

    @Test
    void aCommandThatThrowsFailsItsOwnFutureOnly() {
        CompletableFuture<Object> failed = chain.submit(new CommandChain.Line("boom", null), "boom to be done",
                what -> { }, () -> {
                    throw new IllegalStateException("boom");
                });
        assertThat(failed).isCompletedExceptionally();
        run("next", CompletableFuture.completedFuture(1L), null);
        assertThat(ran).containsExactly("next");
    }

    @Test
    void closingReturnsWhatStillWaitsInFullAndRunsNothingMore() {
        CompletableFuture<Long> created = new CompletableFuture<>();
        run("/create x", created, "#x to be created");
        run("hi", new CompletableFuture<Long>(), null);
        run("hi", new CompletableFuture<Long>(), null);
        run("/invite bob", new CompletableFuture<Long>(), "bob to be added to #x");

        assertThat(chain.close()).containsExactly(new CommandChain.Line("hi", "x"), new CommandChain.Line("hi", "x"),
                new CommandChain.Line("/invite bob", "x"));
        created.complete(1L); // answered after the session ended: what waited for it stays unsent
        assertThat(ran).containsExactly("/create x");
        assertThat(chain.settled()).isDone();
    }
}
