package chat.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * Every command block of README.md and docs/*.md runs as written against the built image
 * (issue 13): the {@code sh} blocks of each file, top to bottom, in a fresh folder of its
 * own, as a reader would type them at the repository's root after {@code scripts/build}.
 * There {@code dist/chat/} is the image (its {@code plugins/} folder the folder's own, so
 * that a block that installs a plugin changes no other file's image), {@code dist/} holds
 * what the build puts beside it (the web plugin's jars, the archive), {@code chat} on the
 * PATH is {@code dist/chat/bin/chat}, HOME is a folder of the test's, standard input is
 * empty, and a JDK's {@code javac} is on the PATH (docs/frontends.md builds a plugin).
 * Markers in the markdown skip, background or check a block ({@link DocBlocks}); each
 * skip is printed with its reason.
 *
 * <p>The docs name the default port, 127.0.0.1:8989. So that the test never meets another
 * program on that port, each file gets a free port instead: {@code 127.0.0.1:8989} in a
 * block is replaced by it, and the folder's config file ({@code ~/.config/chat/config.toml})
 * makes it the default of {@code chat server --listen} and {@code chat client --server}.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class DocCommandsE2ETest {

    private static final ChatImage CHAT = ChatImage.fromSystemProperty();
    private static final Path REPO = Path.of(System.getProperty("chat.repo", "../.."));
    private static final Duration BLOCK_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration BACKGROUND_READY = Duration.ofSeconds(60);
    private static final String DOC_PORT = "127.0.0.1:8989";
    private static final AtomicInteger RUN = new AtomicInteger();
    private static final AtomicInteger SKIPPED = new AtomicInteger();

    /** One test per markdown file: README.md, then docs/*.md. */
    @TestFactory
    Stream<DynamicTest> everyCommandBlockRunsAsWritten() throws IOException {
        List<Path> files = new ArrayList<>(List.of(REPO.resolve("README.md")));
        try (Stream<Path> docs = Files.list(REPO.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        String only = System.getProperty("chat.docs.only", "");
        files.removeIf(f -> !REPO.relativize(f).toString().contains(only));
        return files.stream().map(f -> DynamicTest.dynamicTest(REPO.relativize(f).toString(), () -> runFile(f)));
    }

    @AfterAll
    static void summary() {
        System.out.println("doc blocks: " + RUN.get() + " run, " + SKIPPED.get() + " skipped");
    }

    /** The markers and the checks on fences, on a small document. */
    @Test
    void markersAndFencesAreRead() {
        List<DocBlocks.Block> blocks = DocBlocks.parse("t.md", """
                Intro.

                ```sh
                chat --version
                ```

                <!-- doc-test: skip: needs a terminal -->
                ```sh
                chat client
                ```
                <!-- doc-test: background until "listening on" -->

                ```sh
                chat server --dir keys/server
                ```

                - a list item

                    its indented paragraph

                <!-- doc-test: expect "a\\nb" -->
                ```sh
                printf 'a\\nb\\n'
                ```
                <!-- doc-test: file bot.sh -->
                ```bash
                echo hi
                ```
                ```text
                output
                ```
                """);
        assertThat(blocks).extracting(DocBlocks.Block::action).containsExactly(DocBlocks.Action.RUN,
                DocBlocks.Action.SKIP, DocBlocks.Action.BACKGROUND, DocBlocks.Action.RUN, DocBlocks.Action.FILE,
                DocBlocks.Action.SHOW);
        assertThat(blocks).extracting(DocBlocks.Block::argument).containsExactly("", "needs a terminal",
                "listening on", "a\nb", "bot.sh", "");
        assertThat(blocks.get(1).where()).isEqualTo("t.md:8");
        assertThatThrownBy(() -> DocBlocks.parse("t.md", "Text.\n\n    chat --version\n"))
                .hasMessage("t.md:3: an indented code block: fence it with ```sh (commands) or ```text");
        assertThatThrownBy(() -> DocBlocks.parse("t.md", "```\nchat\n```\n"))
                .hasMessageStartingWith("t.md:1: a code block without a language");
        assertThatThrownBy(() -> DocBlocks.parse("t.md", "<!-- doc-test: skip: -->\n```sh\nchat\n```\n"))
                .hasMessageStartingWith("t.md:1: an unknown doc-test marker");
        assertThatThrownBy(() -> DocBlocks.parse("t.md", "<!-- doc-test: skip: why -->\nText.\n"))
                .hasMessage("t.md:1: a doc-test marker before no code block");
        assertThatThrownBy(() -> DocBlocks.parse("t.md", "<!-- doc-test: skip: a -->\n<!-- doc-test: skip: b -->\n```sh\n"))
                .hasMessage("t.md:2: a second doc-test marker for one code block");
        assertThatThrownBy(() -> DocBlocks.parse("t.md", "```sh\nchat\n"))
                .hasMessage("t.md:1: a code block that is never closed");
    }

    private static void runFile(Path markdown) throws IOException {
        String name = REPO.relativize(markdown).toString();
        List<DocBlocks.Block> blocks = DocBlocks.parse(name, Files.readString(markdown));
        Path folder = Files.createTempDirectory("chat-doc-");
        List<Background> background = new ArrayList<>();
        try {
            Sandbox sandbox = Sandbox.create(folder, "127.0.0.1:" + freePort());
            for (DocBlocks.Block block : blocks) {
                runBlock(block, sandbox, background);
            }
        } finally {
            background.forEach(b -> stop(b.process()));
            deleteTree(folder);
        }
    }

    private static void runBlock(DocBlocks.Block block, Sandbox sandbox, List<Background> background)
            throws IOException {
        String script = block.text().replace(DOC_PORT, sandbox.port());
        switch (block.action()) {
            case SHOW -> { }
            case SKIP -> {
                SKIPPED.incrementAndGet();
                System.out.println("doc block skipped: " + block.where() + " " + block.firstLine()
                        + "\n    because: " + block.argument());
            }
            case FILE -> {
                Path file = sandbox.folder().resolve(block.argument());
                Files.createDirectories(file.getParent());
                Files.writeString(file, script);
                file.toFile().setExecutable(true);
            }
            case BACKGROUND -> {
                RUN.incrementAndGet();
                background.add(startInBackground(block, sandbox, script));
            }
            case RUN -> {
                RUN.incrementAndGet();
                run(block, sandbox, script, background);
            }
        }
    }

    /**
     * The folder where one file's blocks run, laid out like the repository's root after a
     * build, and the environment of their shell; {@code port} (HOST:PORT) stands for 127.0.0.1:8989.
     */
    private record Sandbox(Path folder, String port, Map<String, String> env) {

        static Sandbox create(Path folder, String port) throws IOException {
            Path image = linkTheImage(folder.resolve("dist"));
            Path home = Files.createDirectories(folder.resolve("home"));
            Path config = Files.createDirectories(home.resolve(".config/chat")).resolve("config.toml");
            Files.writeString(config, "[client]\nserver = \"" + port + "\"\n\n[server]\nlisten = \"" + port + "\"\n");
            Map<String, String> env = new HashMap<>(System.getenv());
            env.keySet().removeIf(k -> k.startsWith("CHAT_") || k.startsWith("PG"));
            env.put("HOME", home.toString());
            // the JVM takes ~ from the password database, not from HOME: chat finds the file by XDG_CONFIG_HOME
            env.put("XDG_CONFIG_HOME", config.getParent().getParent().toString());
            String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();
            env.put("PATH", String.join(File.pathSeparator, image.resolve("bin").toString(), javaBin, env.get("PATH")));
            return new Sandbox(folder, port, env);
        }

        /**
         * {@code dist/chat}: links to the image's files but a plugins/ folder of its own; and
         * links to what the build put beside the image (the web plugin's jars, the archive).
         */
        private static Path linkTheImage(Path dist) throws IOException {
            Path image = Files.createDirectories(dist.resolve("chat"));
            Path original = CHAT.home().toAbsolutePath();
            try (Stream<Path> entries = Files.list(original)) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    Path link = image.resolve(entry.getFileName().toString());
                    if (entry.getFileName().toString().equals("plugins")) {
                        copyFiles(entry, Files.createDirectories(link));
                    } else {
                        Files.createSymbolicLink(link, entry);
                    }
                }
            }
            try (Stream<Path> beside = Files.list(original.getParent())) {
                for (Path entry : (Iterable<Path>) beside::iterator) {
                    if (!entry.equals(original)) {
                        Files.createSymbolicLink(dist.resolve(entry.getFileName().toString()), entry);
                    }
                }
            }
            return image;
        }

        /** {@code bash -e -o pipefail -c script} in the folder, with empty standard input. */
        Process start(String script) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(List.of("bash", "-e", "-o", "pipefail", "-c", script))
                    .directory(folder.toFile()).redirectInput(new File("/dev/null"));
            pb.environment().clear();
            pb.environment().putAll(env);
            return pb.start();
        }
    }

    private static void copyFiles(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, to.resolve(f.getFileName().toString()));
            }
        }
    }

    /** A block running in the background, with its output so far. */
    private record Background(DocBlocks.Block block, Process process, ChatImage.Pump out, ChatImage.Pump err) {

        String report() {
            return "--- " + block.where() + " `" + block.firstLine() + "`, in the background, "
                    + (process.isAlive() ? "running" : "exited with " + process.exitValue())
                    + ":\n" + withNewline(out.text()) + withNewline(err.text());
        }

        private static String withNewline(String text) {
            return text.isEmpty() || text.endsWith("\n") ? text : text + "\n";
        }
    }

    private static void run(DocBlocks.Block block, Sandbox sandbox, String script, List<Background> background)
            throws IOException {
        Process p = sandbox.start(script);
        ChatImage.Pump out = pump(p.getInputStream());
        ChatImage.Pump err = pump(p.getErrorStream());
        boolean finished = waitFor(p, BLOCK_TIMEOUT);
        if (!finished) {
            stop(p);
        }
        join(out, err);
        String report = block.where() + " `" + block.firstLine() + "` "
                + (finished ? "exited with " + p.exitValue() : "did not finish within " + BLOCK_TIMEOUT.toSeconds() + " s")
                + "\n--- stdout\n" + out.text() + "--- stderr\n" + err.text()
                + background.stream().map(Background::report).collect(Collectors.joining());
        assertThat(finished && p.exitValue() == 0).as(report).isTrue();
        if (!block.argument().isEmpty()) {
            assertThat(out.text()).as("standard output of " + report).contains(block.argument());
        }
    }

    private static Background startInBackground(DocBlocks.Block block, Sandbox sandbox, String script)
            throws IOException {
        Process p = sandbox.start(script);
        ChatImage.Pump out = pump(p.getInputStream());
        ChatImage.Pump err = pump(p.getErrorStream());
        long deadline = System.nanoTime() + BACKGROUND_READY.toNanos();
        while (!(out.text() + err.text()).contains(block.argument())) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                String state = p.isAlive() ? "ran for " + BACKGROUND_READY.toSeconds() + " s" : "exited with " + p.exitValue();
                stop(p);
                join(out, err);
                throw new AssertionError(block.where() + " `" + block.firstLine() + "` " + state
                        + " without printing '" + block.argument() + "'\n--- stdout\n" + out.text()
                        + "--- stderr\n" + err.text());
            }
            sleep(50);
        }
        return new Background(block, p, out, err);
    }

    private static ChatImage.Pump pump(java.io.InputStream in) {
        ChatImage.Pump pump = new ChatImage.Pump(in);
        pump.start();
        return pump;
    }

    private static void join(ChatImage.Pump... pumps) {
        for (ChatImage.Pump pump : pumps) {
            try {
                pump.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean waitFor(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGTERM to the block's shell and everything it started (servers stop cleanly on it), then SIGKILL. */
    private static void stop(Process p) {
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        all.add(p.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void deleteTree(Path folder) {
        try (Stream<Path> all = Files.walk(folder)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
