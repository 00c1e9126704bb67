package chat.storage;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child-process program for the crash test: continues four channels from their recovered
 * heads, one thread per channel, forever, and prints "channel seq" for every entry the
 * store reports durable. The parent kills it with SIGKILL at some point.
 */
public final class CrashWriter {

    static final int CHANNELS = 4;

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        EntryStore store = EntryStore.open(StoreOptions.defaults(Path.of(args[0])).withCheckpointEveryEntries(997));
        AppendCallback report = new AppendCallback() {
            @Override
            public void durable(StoredEntry e) {
                out.println(e.channel() + " " + e.seq());
            }

            @Override
            public void failed(StoredEntry e, StorageException cause) {
                out.println("failed " + cause);
            }
        };
        for (int c = 0; c < CHANNELS; c++) {
            String channel = "crash-" + c;
            long head = store.durableHead(channel);
            Thread.ofPlatform().start(() -> {
                long seq = head;
                if (seq == 0) {
                    store.append(Fixtures.create(channel, "writer", 1), report);
                    seq = 1;
                }
                while (true) {
                    seq++;
                    store.append(Fixtures.message(channel, seq, "writer", seq, (int) (seq % 700)), report);
                }
            });
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
