package chat.frontend.cli;

import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;

/**
 * The frontend on a JLine terminal made of streams (an xterm, 100x30): the test types
 * keystrokes into its input and reads what it wrote. Every wait is bounded.
 */
final class TerminalHarness implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final PipedOutputStream keys = new PipedOutputStream();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    final Terminal terminal;
    final TerminalScreen screen;
    private final AtomicReference<Object> result = new AtomicReference<>();
    private Thread runner;

    TerminalHarness() {
        try {
            PipedInputStream in = new PipedInputStream(keys, 1 << 16);
            // The exec provider makes a terminal of the streams in Java; JNI would put a real pty between.
            terminal = TerminalBuilder.builder().system(false).provider("exec").streams(in, output)
                    .type("xterm-256color")
                    .size(Size.of(100, 30)).encoding(StandardCharsets.UTF_8).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        screen = new TerminalScreen(terminal);
    }

    void start(FakeContext context, Clock clock) {
        start(context, clock, Duration.ofSeconds(2));
    }

    /** Runs the frontend; leaving waits up to {@code drain} for acknowledgements. */
    void start(FakeContext context, Clock clock, Duration drain) {
        runner = Thread.ofPlatform().name("cli-under-test").daemon().start(() -> {
            try {
                result.set(CliFrontend.run(context, screen, clock, drain, new StopHook()));
            } catch (Throwable t) {
                result.set(t);
            }
        });
    }

    void type(String text) {
        try {
            keys.write(text.getBytes(StandardCharsets.UTF_8));
            keys.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything written so far, without escape sequences. */
    String text() {
        return AttributedString.stripAnsi(raw());
    }

    String raw() {
        return output.toString(StandardCharsets.UTF_8);
    }

    /** Waits until the output shows {@code fragment} (after {@code from}, an index into {@link #text}); its index. */
    int awaitText(String fragment, int from) {
        await(() -> text().indexOf(fragment, from) >= 0, "the screen to show '" + fragment + "'");
        return text().indexOf(fragment, from);
    }

    int awaitText(String fragment) {
        return awaitText(fragment, 0);
    }

    void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (result.get() instanceof Throwable t) {
                throw new AssertionError("the frontend failed while waiting for " + what, t);
            }
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what + "; the screen shows:\n" + text());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Waits for the line being typed to be {@code text}. */
    void awaitBuffer(String text) {
        await(() -> screen.reader().isReading() && screen.reader().getBuffer().toString().equals(text),
                "the input line to be '" + text + "' (it is '" + screen.reader().getBuffer() + "')");
    }

    /** Waits for the status bar to read {@code text} (where it starts, after the padding). */
    void awaitStatus(String text) {
        await(() -> screen.statusShown().toString().contains(text), "the status bar to show '" + text
                + "' (it shows '" + screen.statusShown() + "')");
    }

    /** Waits until the status bar no longer shows {@code text} (a prefix check would pass on the old status). */
    void awaitStatusWithout(String text) {
        await(() -> !screen.statusShown().toString().contains(text), "the status bar to stop showing '" + text
                + "' (it shows '" + screen.statusShown() + "')");
    }

    int awaitExit() throws InterruptedException {
        runner.join(TIMEOUT.toMillis());
        if (runner.isAlive()) {
            fail("the frontend did not exit; the screen shows:\n" + text());
        }
        if (result.get() instanceof Throwable t) {
            throw new AssertionError("the frontend failed", t);
        }
        return (Integer) result.get();
    }

    @Override
    public void close() throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try {
            while (runner != null && runner.isAlive() && System.nanoTime() < deadline) {
                type("\u0003"); // Ctrl-C: leave, whatever is typed (lost if no line is being read yet)
                runner.join(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        terminal.close();
    }
}
