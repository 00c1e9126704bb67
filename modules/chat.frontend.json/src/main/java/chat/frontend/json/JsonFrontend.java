package chat.frontend.json;

import chat.client.ChatClient;
import chat.client.LoginException;
import chat.client.spi.ExitStatus;
import chat.client.spi.Frontend;
import chat.client.spi.FrontendContext;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The {@code json} frontend for bots and scripts. The password comes from CHAT_PASSWORD or
 * --password-file, never from a prompt. Standard output carries only events; anything
 * for people (a failed login) goes to standard error.
 */
public final class JsonFrontend implements Frontend {

    /**
     * How long end of input or quit waits for the next queued command to be acknowledged: a
     * bot that piped in a million sends gets them all acknowledged as long as they keep
     * coming; a client that makes no progress for this long gives up.
     */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    /** Waits until nothing is pending, or until {@code quiet} passed without one acknowledgement; true if drained. */
    static boolean drain(java.util.function.IntSupplier pending, PendingWait await, Duration quiet)
            throws InterruptedException {
        int before = pending.getAsInt();
        while (!await.awaitPending(quiet)) {
            int now = pending.getAsInt();
            if (now >= before) {
                return false;
            }
            before = now;
        }
        return true;
    }

    /** {@link ChatClient#awaitPending}, apart for the test. */
    @FunctionalInterface
    interface PendingWait {
        boolean awaitPending(Duration timeout) throws InterruptedException;
    }

    /** Reads lines into {@code lines}; an empty element marks the end. Completes {@code stopping} at quit or end of input. */
    private static void readInput(BlockingQueue<Optional<LineInput.Line>> lines, CompletableFuture<Void> stopping) {
        LineInput in = new LineInput(System.in, LineInput.MAX_BYTES);
        try {
            LineInput.Line line;
            while ((line = in.next()) != null) {
                lines.add(Optional.of(line));
                if (line instanceof LineInput.Line.Text t && t.text().contains("quit") && CommandLine.isQuit(t.text())) {
                    break;
                }
            }
        } catch (java.io.IOException e) {
            // standard input broke: treat it as its end
        } finally {
            lines.add(Optional.empty());
            stopping.complete(null);
        }
    }

    @Override
    public String name() {
        return "json";
    }

    @Override
    public String description() {
        return "JSON lines on stdin (commands) and stdout (events), for bots and scripts";
    }

    @Override
    public int run(FrontendContext context) throws Exception {
        PrintStream stderr = System.err;
        if (!context.arguments().isEmpty()) {
            stderr.println("chat: the json frontend takes no arguments, got " + context.arguments());
            return ExitStatus.USAGE;
        }
        char[] password = context.suppliedPassword().orElse(null);
        if (password == null) {
            stderr.println("chat: the json frontend needs the password in CHAT_PASSWORD or --password-file FILE");
            return ExitStatus.USAGE;
        }
        EventWriter out = new EventWriter(new PrintStream(new java.io.BufferedOutputStream(
                new java.io.FileOutputStream(java.io.FileDescriptor.out), 1 << 16), false, StandardCharsets.UTF_8));
        EventTranslator events = new EventTranslator(out);
        ChatClient client;
        try {
            client = context.login(password, events);
        } catch (LoginException e) {
            out.flush(); // events of the attempt (a repaired state) before the reason
            stderr.println("chat: login failed: " + e.getMessage());
            return ExitStatus.of(e);
        } finally {
            Arrays.fill(password, '\0');
        }
        if (!client.queuesDurably()) {
            stderr.println("chat: warning: another client is using this bundle's state folder; this one keeps"
                    + " its state in memory only (history is downloaded again, queued messages do not survive it)");
        }
        try (client) {
            // Standard input is read on a thread of its own, so that the end of input or a quit
            // is seen even while a command waits for an earlier create or invite.
            CompletableFuture<Void> stopping = new CompletableFuture<>();
            BlockingQueue<Optional<LineInput.Line>> lines = new LinkedBlockingQueue<>();
            Thread.ofVirtual().name("chat-json-stdin").start(() -> readInput(lines, stopping));
            Commands commands = new Commands(client, out, events.gaveUp, stopping);
            while (true) {
                LineInput.Line line = lines.take().orElse(null);
                if (line == null) {
                    break;
                }
                if (line instanceof LineInput.Line.TooLong tooLong) {
                    out.error("badCommand", "line of " + tooLong.bytes() + " bytes exceeds the limit of "
                            + LineInput.MAX_BYTES, null);
                    continue;
                }
                if (line instanceof LineInput.Line.NotUtf8 bad) {
                    out.error("badCommand", "line is not valid UTF-8 (byte " + bad.offset() + " of the line)", null);
                    continue;
                }
                String text = ((LineInput.Line.Text) line).text();
                if (text.isBlank()) {
                    continue;
                }
                if (!commands.run(text)) {
                    break;
                }
            }
            // after connectionFailed nothing more will be acknowledged: no point waiting
            if (events.gaveUp.isDone() ? !client.awaitPending(Duration.ZERO)
                    : !drain(client::pendingCount, client::awaitPending, DRAIN_TIMEOUT)) {
                stderr.println("chat: " + client.pendingCount() + " command(s) not acknowledged"
                        + (events.gaveUp.isDone() ? " (the client stopped connecting)" : " within "
                        + DRAIN_TIMEOUT.toSeconds() + " s of the last acknowledgement") + (client.queuesDurably()
                        ? "; they stay queued and are sent at the next start"
                        : "; they are lost: another client holds this bundle's state, so this one queued in memory only"));
                return ExitStatus.FAILURE;
            }
            return ExitStatus.OK;
        } finally {
            out.flush(); // after the client closed: its last events are written
        }
    }
}
