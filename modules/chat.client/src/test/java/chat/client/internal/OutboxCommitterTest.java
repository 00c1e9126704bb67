package chat.client.internal;

import static chat.client.internal.TestChannel.BOB;
import static chat.client.internal.TestChannel.DIRECTORY;
import static org.assertj.core.api.Assertions.assertThat;

import chat.client.CommandException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox's group commit: a command is handed out to be sent only once its record is in
 * outbox.log (so a crash after the send finds it there: nothing acknowledged is lost, and
 * nothing is signed twice), in the order given, once each, with fewer fsyncs than commands.
 */
class OutboxCommitterTest {

    @TempDir
    Path bundle;

    @TempDir
    Path crashes;

    private final Object monitor = new Object();

    private static PendingOp op(long userSeq) {
        return new PendingOp(PendingOp.Kind.SEND, "general", "message " + userSeq, null, userSeq,
                ("{\"signed\":" + userSeq + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** What a crash right now would leave: a copy of the state folder, opened as the next start would. */
    private List<Long> pendingAfterACrashNow(int n) throws IOException {
        Path copy = crashes.resolve("crash" + n);
        Path from = bundle.resolve("state");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.sorted(Comparator.naturalOrder()).toList()) {
                Path to = copy.resolve("state").resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else if (!f.getFileName().toString().equals("LOCK")) {
                    Files.copy(f, to);
                }
            }
        }
        try (LocalState reopened = LocalState.open(copy, BOB, DIRECTORY)) {
            return reopened.pending.stream().map(PendingOp::userSeq).toList();
        }
    }

    @Test
    void commandsAreReleasedOnceEachInOrderOnlyWhenRecordedAndInFewerFsyncsThanCommands() throws Exception {
        int n = 2000;
        List<Long> released = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY);
             EventDispatcher events = new EventDispatcher(e -> { })) {
            Outbox[] box = new Outbox[1];
            box[0] = new Outbox(state, events, monitor, op -> {
                released.add(op.userSeq());
                if (op.userSeq() % 250 == 0) { // a crash just after this one was sent: it is on file
                    try {
                        if (!pendingAfterACrashNow(released.size()).contains(op.userSeq())) {
                            problems.add(op.userSeq() + " was released before its record was written");
                        }
                    } catch (IOException e) {
                        problems.add(e.toString());
                    }
                }
            });
            Outbox outbox = box[0];
            outbox.start();
            try {
                for (long userSeq = 1; userSeq <= n; userSeq++) {
                    synchronized (monitor) {
                        outbox.add(op(userSeq), null);
                    }
                }
                long deadline = System.nanoTime() + 60_000_000_000L;
                synchronized (monitor) {
                    while (released.size() < n && System.nanoTime() < deadline) {
                        monitor.wait(100);
                    }
                }
                synchronized (monitor) {
                    assertThat(problems).isEmpty();
                    assertThat(released).hasSize(n);
                    for (int i = 0; i < n; i++) {
                        assertThat(released.get(i)).as("released in the order given").isEqualTo(i + 1L);
                    }
                    assertThat(outbox.commits()).as("one fsync covers the commands queued meanwhile")
                            .isLessThan(n / 2);
                }
            } finally {
                outbox.close();
            }
        }
    }

    @Test
    void aCommandThatEndsBeforeItsFsyncIsNeverSentAndAReplacedOneGoesOutOnlyInItsNewForm() throws Exception {
        List<Long> released = new ArrayList<>();
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY);
             EventDispatcher events = new EventDispatcher(e -> { })) {
            Outbox outbox = new Outbox(state, events, monitor, op -> released.add(op.userSeq()));
            CompletableFuture<Long> refused;
            synchronized (monitor) {
                // not started yet: nothing is durable, so nothing may leave
                refused = outbox.add(op(1), "a");
                PendingOp second = op(2);
                outbox.add(second, "b");
                outbox.add(op(3), "c");
                outbox.fail(outbox.withUserSeq(1), CommandException.local("refused"));
                outbox.replace(second, second.resigned(4, "{\"signed\":4}".getBytes(StandardCharsets.UTF_8)));
                assertThat(released).isEmpty();
                assertThat(outbox.durable(outbox.withUserSeq(3))).isFalse();
            }
            outbox.start();
            try {
                synchronized (monitor) {
                    long deadline = System.nanoTime() + 30_000_000_000L;
                    while (released.size() < 2 && System.nanoTime() < deadline) {
                        monitor.wait(100);
                    }
                    assertThat(released).containsExactly(3L, 4L); // in the order of their records, which is their userSeqs'.
                    assertThat(outbox.durable(outbox.withUserSeq(3))).isTrue();
                }
                assertThat(refused).isCompletedExceptionally();
            } finally {
                outbox.close();
            }
        }
    }

    @Test
    void aRunningClientRewritesItsOutboxWithOnlyTheLiveCommandsAndACrashAtAnyPointLosesNone() throws Exception {
        long saved = LocalState.compactAfter;
        LocalState.compactAfter = 50;
        List<Long> released = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        java.util.TreeSet<Long> live = new java.util.TreeSet<>();
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY);
             EventDispatcher events = new EventDispatcher(e -> { })) {
            Outbox outbox = new Outbox(state, events, monitor, op -> {
                released.add(op.userSeq());
                if (op.userSeq() % 97 == 0) { // a crash just after this one was sent: it is on file, and so is every live one
                    try {
                        List<Long> found = pendingAfterACrashNow(released.size());
                        if (!found.contains(op.userSeq())) {
                            problems.add(op.userSeq() + " was released before its record was durable");
                        }
                        for (long userSeq : live) {
                            if (userSeq < op.userSeq() && !found.contains(userSeq)) {
                                problems.add(userSeq + " was lost from the outbox after " + op.userSeq());
                            }
                        }
                    } catch (IOException e) {
                        problems.add(e.toString());
                    }
                }
            });
            outbox.start();
            try {
                long userSeq = 0;
                for (int round = 0; round < 20; round++) {
                    synchronized (monitor) {
                        for (int i = 0; i < 200; i++) {
                            userSeq++;
                            outbox.add(op(userSeq), null);
                            live.add(userSeq);
                        }
                    }
                    long deadline = System.nanoTime() + 60_000_000_000L;
                    synchronized (monitor) {
                        while (released.size() < userSeq && System.nanoTime() < deadline) {
                            monitor.wait(100);
                        }
                        assertThat(released).hasSize((int) userSeq);
                        for (long s = userSeq - 199; s <= userSeq; s++) {
                            if (s % 50 != 0) { // acknowledged; every fiftieth stays in the outbox
                                outbox.acknowledge(outbox.withUserSeq(s), s);
                                live.remove(s);
                            }
                        }
                    }
                }
                synchronized (monitor) {
                    assertThat(problems).isEmpty();
                    assertThat(released).hasSize(4000).doesNotHaveDuplicates();
                    assertThat(outbox.compactions()).as("the outbox was rewritten while running").isGreaterThan(2);
                }
                assertThat(pendingAfterACrashNow(0)).as("a crash now loses no live command")
                        .containsAll(live); // and may find acknowledgements not yet written: those are sent again
            } finally {
                outbox.close();
            }
        } finally {
            LocalState.compactAfter = saved;
        }
        // 4,000 commands and 3,920 acknowledgements made 7,920 records (1.1 MB); a rewrite
        // comes once there are 50 beyond eight per live command, and 80 are live at the end
        assertThat(Files.size(bundle.resolve("state").resolve("outbox.log"))).isLessThan(1000 * 300);
        try (LocalState reopened = LocalState.open(bundle, BOB, DIRECTORY)) {
            assertThat(reopened.pending.stream().map(PendingOp::userSeq).toList())
                    .as("exactly the commands not acknowledged, in order").containsExactlyElementsOf(live);
        }
    }

    @Test
    void anOutboxLeftFullOfAcknowledgedCommandsIsRewrittenWithoutWaitingForTheNextCommand() throws Exception {
        long saved = LocalState.compactAfter;
        LocalState.compactAfter = 50;
        List<Long> released = new ArrayList<>();
        try (LocalState state = LocalState.open(bundle, BOB, DIRECTORY);
             EventDispatcher events = new EventDispatcher(e -> { })) {
            Outbox outbox = new Outbox(state, events, monitor, op -> released.add(op.userSeq()));
            outbox.start();
            try {
                synchronized (monitor) {
                    for (long userSeq = 1; userSeq <= 300; userSeq++) { // a burst: 300 live, no rewrite yet
                        outbox.add(op(userSeq), null);
                    }
                    long deadline = System.nanoTime() + 30_000_000_000L;
                    while (released.size() < 300 && System.nanoTime() < deadline) {
                        monitor.wait(100);
                    }
                    assertThat(released).hasSize(300);
                    for (long userSeq = 1; userSeq <= 300; userSeq++) { // then acknowledged, and the bot goes quiet
                        outbox.acknowledge(outbox.withUserSeq(userSeq), userSeq);
                    }
                    while (state.outboxRecords() > 0 && System.nanoTime() < deadline) {
                        monitor.wait(100);
                    }
                    assertThat(state.outboxRecords()).as("records left in outbox.log").isZero();
                    assertThat(outbox.compactions()).isPositive();
                }
            } finally {
                outbox.close();
            }
        } finally {
            LocalState.compactAfter = saved;
        }
        try (LocalState reopened = LocalState.open(bundle, BOB, DIRECTORY)) {
            assertThat(reopened.pending).isEmpty();
            assertThat(reopened.lastUserSeq).as("the userSeqs used, though their records are gone").isEqualTo(300);
        }
    }
}
