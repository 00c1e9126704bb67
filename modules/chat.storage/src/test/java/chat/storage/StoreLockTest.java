package chat.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreLockTest {

    @TempDir
    Path dir;

    @Test
    void aSecondOpenInThisJvmFailsUntilTheFirstCloses() throws Exception {
        EntryStore first = EntryStore.open(StoreOptions.defaults(dir));
        Path real = dir.toRealPath();
        assertThatThrownBy(() -> EntryStore.open(StoreOptions.defaults(dir)))
                .isInstanceOf(StoreLockedException.class)
                .hasMessage("data directory " + real + " is in use by another server (lock on "
                        + real.resolve("LOCK") + " held)");
        // another spelling of the same directory is the same directory
        assertThatThrownBy(() -> EntryStore.open(StoreOptions.defaults(dir.resolve("journal").resolve(".."))))
                .isInstanceOf(StoreLockedException.class);
        assertThat(Files.readString(dir.resolve("LOCK")).strip())
                .isEqualTo(Long.toString(ProcessHandle.current().pid()));
        first.close();
        EntryStore.open(StoreOptions.defaults(dir)).close();
    }

    @Test
    void anotherProcessCannotOpenWhileThisOneHoldsIt() throws Exception {
        try (EntryStore store = EntryStore.open(StoreOptions.defaults(dir))) {
            // a refused open in this JVM must not drop the OS lock (POSIX drops all of a
            // process's locks on a file when any descriptor of it closes)
            assertThatThrownBy(() -> EntryStore.open(StoreOptions.defaults(dir)))
                    .isInstanceOf(StoreLockedException.class);
            Process probe = Jvm.start(List.of(), LockProbe.class, "try", dir.toString());
            String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(probe.exitValue()).isEqualTo(3);
            assertThat(output).contains("is in use by another server");
        }
        Process probe = Jvm.start(List.of(), LockProbe.class, "try", dir.toString());
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(probe.exitValue()).isZero();
    }

    @Test
    void thisProcessCannotOpenWhileAnotherHoldsIt() throws Exception {
        Process holder = Jvm.start(List.of(), LockProbe.class, "hold", dir.toString());
        try {
            var out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("open");
            assertThatThrownBy(() -> EntryStore.open(StoreOptions.defaults(dir)))
                    .isInstanceOf(StoreLockedException.class);
            holder.getOutputStream().write('\n');
            holder.getOutputStream().flush();
            assertThat(holder.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(holder.exitValue()).isZero();
        } finally {
            holder.destroyForcibly();
        }
        EntryStore.open(StoreOptions.defaults(dir)).close();
    }
}
