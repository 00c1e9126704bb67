package chat.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime image itself: it runs without any JDK on the machine, links only named
 * modules, runs nothing from the class path, and each of our modules exports exactly
 * the packages we mean it to (the module-graph guard).
 */
class ImageE2ETest {

    private final ChatImage chat = ChatImage.fromSystemProperty();

    @TempDir
    Path tmp;

    /** Our modules and the packages each may export ("pkg" or "pkg to m1,m2"). */
    private static final Map<String, Set<String>> EXPORTS = new TreeMap<>(Map.of(
            "chat.crypto", Set.of("chat.crypto"),
            "chat.protocol", Set.of("chat.protocol", "chat.protocol.identity", "chat.protocol.json",
                    "chat.protocol.wire"),
            "chat.storage", Set.of("chat.storage", "chat.storage.spi"), // the SPI: --store providers (lib/stores)
            "chat.server", Set.of("chat.server"),
            "chat.client", Set.of("chat.client", "chat.client.spi"),
            "chat.frontend.json", Set.of(),
            "chat.frontend.cli", Set.of(),
            "chat.launcher", Set.of()));

    @Test
    void helpAndVersionWork() {
        ChatImage.Result help = chat.run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("generate", "Exit codes");
        ChatImage.Result version = chat.run("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.stdout()).startsWith("chat 0.");
        ChatImage.Result none = chat.run();
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.stderr()).contains("missing command");
    }

    /**
     * Issue 12's budget: at most 60 MiB unpacked and 35 MB as tar.gz, with no default CDS
     * archive beside the AOT cache. Sizes are deterministic for a build, unlike timings, so
     * a dependency or a linked module that breaks the budget fails here, not in a benchmark.
     */
    @Test
    void theImageStaysWithinItsSizeBudget() throws IOException {
        Path home = chat.home();
        long unpacked;
        try (Stream<Path> files = Files.walk(home)) {
            unpacked = files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sum();
        }
        assertThat(unpacked).as("bytes in %s (jlink/build-image, 'scripts/bench image')", home).isLessThanOrEqualTo(60L << 20);
        try (Stream<Path> cds = Files.list(home.resolve("lib/server"))) {
            assertThat(cds.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jsa")))
                    .as("default CDS archives beside lib/chat.aot").isEmpty();
        }
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("chat.archiveDir")))) {
            for (Path archive : files.filter(p -> p.getFileName().toString().matches("chat-.*-linux-x64\\.tar\\.gz")).toList()) {
                assertThat(Files.size(archive)).as(archive.toString()).isLessThanOrEqualTo(35_000_000L);
            }
        }
    }

    @Test
    void theArchiveUnpacksAnywhereAndRunsWithoutAnyJdkOnPath() throws Exception {
        Path archive;
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("chat.archiveDir")))) {
            archive = files.filter(p -> p.getFileName().toString().matches("chat-.*-linux-x64\\.tar\\.gz"))
                    .findFirst().orElseThrow(() -> new AssertionError("no archive in dist/"));
        }
        Path unpackTo = Files.createDirectories(tmp.resolve("some where"));
        ChatImage.Result untar = ChatImage.run(new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", unpackTo.toString()),
                null, Duration.ofMinutes(2));
        assertThat(untar.exitCode()).as(untar.toString()).isZero();
        Path home;
        try (Stream<Path> dirs = Files.list(unpackTo)) {
            home = dirs.findFirst().orElseThrow();
        }
        assertThat(home.getFileName().toString()).matches("chat-\\d+\\.\\d+\\.\\d+.*");
        assertThat(home.resolve("plugins")).isDirectory();
        // the documentation comes along: README, docs/ (plugins/README.txt points there), the man page
        assertThat(home.resolve("README.md")).isRegularFile();
        assertThat(home.resolve("docs/user-guide.md")).isRegularFile();
        assertThat(home.resolve("docs/frontends.md")).isRegularFile();
        assertThat(Files.readString(home.resolve("plugins/README.txt"))).contains("docs/frontends.md");
        assertThat(Files.readString(home.resolve("completion/chat.bash"))).contains("complete -F _complete_chat");
        assertThat(Files.readString(home.resolve("systemd/chat-server.service"))).contains("ExecStart=/opt/chat/bin/chat server");
        assertThat(Files.readString(home.resolve("man/chat.1"))).startsWith(".TH CHAT 1 ")
                .contains(".SS \"chat client\"", ".SS \"chat server\"");

        // A PATH with a shell and nothing else: no java, and no JAVA_HOME.
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : List.of("sh", "readlink")) {
            Path real = Stream.of("/bin/" + tool, "/usr/bin/" + tool).map(Path::of).filter(Files::exists)
                    .findFirst().orElseThrow();
            Files.createSymbolicLink(bin.resolve(tool), real);
        }
        Path link = Files.createSymbolicLink(tmp.resolve("chat-link"), home.resolve("bin/chat"));
        ProcessBuilder pb = new ProcessBuilder(link.toString(), "generate", "--dir", tmp.resolve("keys").toString(),
                "--users-file", "-");
        pb.environment().clear();
        pb.environment().put("PATH", bin.toString());
        ChatImage.Result r = ChatImage.run(pb, "alice:pass-alice\n", Duration.ofMinutes(2));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(tmp.resolve("keys/users/alice/identity.key")).exists();
    }

    @Test
    void onlyNamedModulesAndNothingOnTheClassPath() {
        ChatImage.Result list = ChatImage.run(new ProcessBuilder(chat.home().resolve("bin/java").toString(),
                "--list-modules"), null, Duration.ofMinutes(1));
        assertThat(list.exitCode()).isZero();
        Set<String> modules = new TreeSet<>();
        for (String line : list.stdout().split("\n")) {
            modules.add(line.replaceAll("@.*", "").trim());
        }
        assertThat(modules).containsAll(EXPORTS.keySet());
        // Only what we need from the JDK: no compiler, no desktop, no jshell.
        assertThat(modules).doesNotContain("java.desktop", "java.compiler", "jdk.compiler", "jdk.jshell");

        ProcessBuilder pb = chat.command(List.of("--version"));
        pb.environment().put("CHAT_JAVA_OPTS", "-XshowSettings:properties");
        ChatImage.Result props = ChatImage.run(pb, null, Duration.ofMinutes(1));
        assertThat(props.exitCode()).isZero();
        Matcher cp = Pattern.compile("java\\.class\\.path = (.*)").matcher(props.stderr());
        if (cp.find()) {
            assertThat(cp.group(1).trim()).as("class path").isEmpty();
        }
        assertThat(props.stderr()).contains("jdk.module.main = chat.launcher");
    }

    @Test
    void eachModuleExportsExactlyItsApi() {
        for (var expected : EXPORTS.entrySet()) {
            ChatImage.Result d = ChatImage.run(new ProcessBuilder(chat.home().resolve("bin/java").toString(),
                    "--describe-module", expected.getKey()), null, Duration.ofMinutes(1));
            assertThat(d.exitCode()).as(d.toString()).isZero();
            assertThat(d.stdout()).doesNotContain("automatic");
            Set<String> exports = new TreeSet<>();
            for (String line : d.stdout().split("\n")) {
                if (line.startsWith("exports ") || line.startsWith("qualified exports ")) {
                    exports.add(line.replaceFirst("^(qualified )?exports ", "").trim());
                }
            }
            assertThat(exports).as(expected.getKey()).isEqualTo(new TreeSet<>(expected.getValue()));
        }
    }

    @Test
    void noAutomaticModuleAnywhereInTheImage() {
        ChatImage.Result list = ChatImage.run(new ProcessBuilder(chat.home().resolve("bin/java").toString(),
                "--list-modules"), null, Duration.ofMinutes(1));
        for (String line : list.stdout().split("\n")) {
            String module = line.replaceAll("@.*", "").trim();
            if (module.startsWith("java.") || module.startsWith("jdk.")) {
                continue;
            }
            ChatImage.Result d = ChatImage.run(new ProcessBuilder(chat.home().resolve("bin/java").toString(),
                    "--describe-module", module), null, Duration.ofMinutes(1));
            assertThat(d.stdout()).as(module).doesNotContain("automatic");
        }
    }

    @Test
    void theLauncherExecsJavaSoSignalsReachIt() throws IOException {
        String script = Files.readString(chat.launcher());
        assertThat(script).contains("exec \"$CHAT_HOME/bin/java\" -Xlog:disable");
    }
}
