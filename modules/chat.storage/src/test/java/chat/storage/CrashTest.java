package chat.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing process with SIGKILL, three times over the same directory: everything
 * it was told was durable must be there after each restart, and nothing else may be
 * broken. (A process kill keeps the page cache; the server-level test covers more.)
 */
class CrashTest {

    @TempDir
    Path dir;

    @Test
    void everythingReportedDurableSurvivesAKill() throws Exception {
        Map<String, Long> acknowledged = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            Process writer = Jvm.start(List.of("-Xmx256m"), CrashWriter.class, dir.toString());
            try {
                var out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
                for (int lines = 0; lines < 5_000; lines++) {
                    String line = out.readLine();
                    assertThat(line).isNotNull().doesNotStartWith("failed");
                    String[] parts = line.split(" ");
                    acknowledged.merge(parts[0], Long.parseLong(parts[1]), Math::max);
                }
            } finally {
                writer.destroyForcibly();
                assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
                assertThat(acknowledged).hasSize(CrashWriter.CHANNELS);
                for (var channel : acknowledged.entrySet()) {
                    long head = store.durableHead(channel.getKey());
                    assertThat(head).isGreaterThanOrEqualTo(channel.getValue());
                    long seq = 0;
                    try (EntryCursor cursor = store.read(channel.getKey(), 0, head)) {
                        while (cursor.hasNext()) {
                            StoredEntry e = cursor.next();
                            seq++;
                            StoredEntry expected = seq == 1 ? Fixtures.create(channel.getKey(), "writer", 1)
                                    : Fixtures.message(channel.getKey(), seq, "writer", seq, (int) (seq % 700));
                            assertThat(e).isEqualTo(expected);
                        }
                    }
                    assertThat(seq).isEqualTo(head);
                    assertThat(store.recoveredState().lastUserSeq().get("writer")).isGreaterThanOrEqualTo(head);
                }
            }
        }
    }
}
