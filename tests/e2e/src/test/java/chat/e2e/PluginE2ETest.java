package chat.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A frontend written by a user, compiled against the image with a plain JDK (javac
 * --system pointing at the image) and dropped as a jar into plugins/ of a copy of the
 * image: no rebuild, found by {@code --list-frontends}, selected by name, handed a working
 * client. A broken plugin is skipped with a one-line warning, never a stack trace, and never
 * stops the built-in frontends.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class PluginE2ETest {

    private static final ChatImage ORIGINAL = ChatImage.fromSystemProperty();

    @TempDir
    Path tmp;

    /** A copy of the image, so that the image under test stays clean. */
    private ChatImage chat;

    @BeforeEach
    void copyTheImage() {
        Path copy = tmp.resolve("image");
        ChatImage.Result cp = ChatImage.run(new ProcessBuilder("cp", "-a", ORIGINAL.home().toString(), copy.toString()),
                null, Duration.ofMinutes(2));
        assertThat(cp.exitCode()).as(cp.toString()).isZero();
        chat = ChatImage.at(copy);
    }

    /**
     * The hello frontend in module {@code module}, package {@code pkg}, selected as {@code name}:
     * prints who it runs for; with the argument "login" it logs in, creates a channel and counts channels.
     */
    private static Map<String, String> hello(String module, String pkg, String name) {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("module-info.java", """
                module %s {
                    requires chat.client;
                    provides chat.client.spi.Frontend with %s.HelloFrontend;
                }
                """.formatted(module, pkg));
        sources.put(pkg + "/HelloFrontend.java", """
                package %s;

                import chat.client.ChatClient;
                import chat.client.spi.ExitStatus;
                import chat.client.spi.Frontend;
                import chat.client.spi.FrontendContext;

                public final class HelloFrontend implements Frontend {
                    @Override
                    public String name() {
                        return "%s";
                    }

                    @Override
                    public String description() {
                        return "says hello (a plugin)";
                    }

                    @Override
                    public int run(FrontendContext context) throws Exception {
                        System.out.println("hello from plugin %s, user=" + context.user() + ", args=" + context.arguments());
                        if (!context.arguments().contains("login")) {
                            return ExitStatus.OK;
                        }
                        char[] password = context.suppliedPassword().orElse(null);
                        if (password == null) {
                            System.err.println("hello: no password");
                            return ExitStatus.USAGE;
                        }
                        try (ChatClient client = context.login(password, event -> { })) {
                            client.createChannel("from-plugin").get();
                            System.out.println("logged in as " + client.user() + ", channels: " + client.channels().size());
                        }
                        return ExitStatus.OK;
                    }
                }
                """.formatted(pkg, name, name));
        return sources;
    }

    /** Compiles {@code sources} (path -> text) against the image's modules into plugins/NAME.jar. */
    private Path plugin(String jarName, Map<String, String> sources) throws IOException {
        return compile(sources, List.of(), chat.home().resolve("plugins").resolve(jarName + ".jar"));
    }

    /**
     * Compiles {@code sources} with the javac of the JDK running the tests, against the
     * modules of the image under test (--system IMAGE, the way a plugin author builds with
     * any JDK 25), and packs them into {@code jar}.
     */
    private Path compile(Map<String, String> sources, List<String> options, Path jar) throws IOException {
        Path work = Files.createTempDirectory(tmp, "plugin");
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<Path> files = new ArrayList<>();
        for (var e : sources.entrySet()) {
            Path f = work.resolve("src").resolve(e.getKey());
            Files.createDirectories(f.getParent());
            files.add(Files.writeString(f, e.getValue(), StandardCharsets.UTF_8));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("the JDK running the tests has javac").isNotNull();
        List<String> args = new ArrayList<>(List.of("--system", ORIGINAL.home().toString(), "-d", classes.toString()));
        args.addAll(options);
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(null, fm, diagnostics, args, null, fm.getJavaFileObjectsFromPaths(files)).call();
            assertThat(ok).as(diagnostics.getDiagnostics().toString()).isTrue();
        }
        runTool("jar", "--create", "--file", jar.toString(), "-C", classes.toString(), ".");
        return jar;
    }

    private static void runTool(String name, String... args) {
        java.util.spi.ToolProvider tool = java.util.spi.ToolProvider.findFirst(name).orElseThrow();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        int code = tool.run(print, print, args);
        assertThat(code).as(name + " " + String.join(" ", args) + "\n" + out.toString(StandardCharsets.UTF_8)).isZero();
    }

    private ChatImage.Result client(Path bundle, String password, String... args) {
        List<String> cmd = new ArrayList<>(List.of("client", "--dir", bundle.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = chat.command(cmd);
        pb.environment().remove("CHAT_PASSWORD");
        if (password != null) {
            pb.environment().put("CHAT_PASSWORD", password);
        }
        return ChatImage.run(pb, "", Duration.ofMinutes(1));
    }

    private static void assertNoStackTrace(ChatImage.Result r) {
        assertThat(r.stderr()).as(r.toString()).doesNotContain("\tat ", "Exception in thread", "unexpected failure");
    }

    // ------------------------------------------------------------------ a working plugin

    @Test
    void aFrontendJarDroppedIntoPluginsIsFoundAndRunsWithoutARebuild() throws IOException {
        plugin("hello", hello("hello.frontend", "hello", "hello"));

        ChatImage.Result list = chat.run("client", "--list-frontends");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.stdout()).containsPattern("(?m)^hello +says hello \\(a plugin\\)$").containsPattern("(?m)^json ");
        List<String> names = list.stdout().lines().map(l -> l.split(" +")[0]).toList();
        assertThat(names).as("listed by name").isSorted();

        try (ClientFixture f = new ClientFixture(chat, tmp, "alice")) {
            ChatImage.Result r = client(f.bundle("alice"), null, "--frontend", "hello");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.stdout()).isEqualTo("hello from plugin hello, user=alice, args=[]\n");

            // the plugin gets a working client: it logs in with the supplied password and uses it
            f.startServer();
            ChatImage.Result login = client(f.bundle("alice"), f.passwords.get("alice"), "--server",
                    "127.0.0.1:" + f.port(), "--frontend", "hello", "--", "login");
            assertThat(login.exitCode()).as(login.toString()).isZero();
            assertThat(login.stdout()).contains("args=[login]", "logged in as alice, channels: 1");

            // and the channel it made is there for the built-in json frontend too
            ChatImage.Result json = chat.run(List.of("client", "--dir", f.bundle("alice").toString(), "--server",
                    "127.0.0.1:" + f.port(), "--frontend", "json"), "{\"cmd\":\"channels\"}\n",
                    Map.of("CHAT_PASSWORD", f.passwords.get("alice")));
            assertThat(json.exitCode()).as(json.toString()).isZero();
            assertThat(json.stdout()).contains("\"name\":\"from-plugin\"");
        }
        try (Stream<Path> files = Files.list(ORIGINAL.home().resolve("plugins"))) {
            assertThat(files.map(p -> p.getFileName().toString())).as("the image under test is untouched")
                    .noneMatch(n -> n.endsWith(".jar"));
        }
    }

    @Test
    void selectionIsByNameAndAnUnknownNameListsWhatThereIs() throws IOException {
        plugin("hello", hello("hello.frontend", "hello", "hello"));
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice")) {
            ChatImage.Result unknown = client(f.bundle("alice"), null, "--frontend", "nosuch");
            assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(2);
            assertThat(unknown.stderr()).containsPattern("no frontend named 'nosuch'; available: ([a-z-]+, )*hello, json");

            // a plugin named cli is the default (it takes the name's place, built in or not)
            plugin("mycli", hello("my.cli.frontend", "mycli", "cli"));
            ChatImage.Result byDefault = client(f.bundle("alice"), null);
            assertThat(byDefault.exitCode()).as(byDefault.toString()).isZero();
            assertThat(byDefault.stdout()).startsWith("hello from plugin cli, user=alice");
        }
    }

    // ------------------------------------------------------------------ broken plugins

    @Test
    void aJarThatIsNotAJarIsSkippedWithAWarningAndTheOthersStillWork() throws IOException {
        Path plugins = chat.home().resolve("plugins");
        Files.writeString(plugins.resolve("broken.jar"), "this is not a zip file");
        plugin("hello", hello("hello.frontend", "hello", "hello"));
        ChatImage.Result r = chat.run("client", "--list-frontends");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stderr()).contains("chat: warning: skipped plugin " + plugins.resolve("broken.jar"));
        assertThat(r.stdout()).containsPattern("(?m)^hello ").containsPattern("(?m)^json ").containsPattern("(?m)^cli ");
        assertNoStackTrace(r);
    }

    @Test
    void aPluginThatCannotBeInstantiatedIsSkippedWithAWarning() throws IOException {
        Map<String, String> sources = hello("boom.frontend", "boom", "boom");
        sources.put("boom/HelloFrontend.java", sources.get("boom/HelloFrontend.java").replace(
                "public final class HelloFrontend implements Frontend {",
                "public final class HelloFrontend implements Frontend {\n"
                        + "    public HelloFrontend() { throw new IllegalStateException(\"boom in the constructor\"); }"));
        plugin("boom", sources);
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice")) {
            ChatImage.Result r = client(f.bundle("alice"), null, "--frontend", "boom");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.stderr()).contains("chat: warning: skipped boom.HelloFrontend", "boom in the constructor",
                    "no frontend named 'boom'; available: cli, json");
            assertNoStackTrace(r);

            // the built-in frontends are not held up by it
            f.startServer();
            ChatImage.Result json = chat.run(List.of("client", "--dir", f.bundle("alice").toString(), "--server",
                    "127.0.0.1:" + f.port(), "--frontend", "json"), "{\"cmd\":\"channels\"}\n",
                    Map.of("CHAT_PASSWORD", f.passwords.get("alice")));
            assertThat(json.exitCode()).as(json.toString()).isZero();
            assertThat(json.stdout()).contains("\"event\":\"channels\"");
            assertThat(json.stderr()).contains("chat: warning: skipped boom.HelloFrontend");
        }
    }

    @Test
    void aPluginNeedingAModuleThatIsNotThereIsSkippedWithAWarning() throws IOException {
        // compiled against a module that is then not installed along with it
        Path stub = compile(Map.of("module-info.java", "module no.such.module { exports nosuch; }",
                "nosuch/Thing.java", "package nosuch; public class Thing { }"), List.of(), tmp.resolve("stub.jar"));
        Map<String, String> sources = hello("needy.frontend", "needy", "needy");
        sources.put("module-info.java", sources.get("module-info.java").replace("requires chat.client;",
                "requires chat.client;\n    requires no.such.module;"));
        compile(sources, List.of("--module-path", stub.toString()), chat.home().resolve("plugins/needy.jar"));

        ChatImage.Result r = chat.run("client", "--list-frontends");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stderr()).contains("chat: warning: skipped plugin", "needy.jar", "no.such.module");
        assertThat(r.stdout()).doesNotContainPattern("(?m)^needy ").containsPattern("(?m)^json ");
        assertNoStackTrace(r);
    }

    @Test
    void aPluginThatFailsWhileRunningIsReportedInOneLine() throws IOException {
        Map<String, String> sources = hello("failing.frontend", "failing", "failing");
        sources.put("failing/HelloFrontend.java", sources.get("failing/HelloFrontend.java").replace(
                "System.out.println(\"hello from plugin",
                "if (true) { throw new java.io.IOException(\"the plugin broke\"); }\n        System.out.println(\"hello from plugin"));
        plugin("failing", sources);
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice")) {
            ChatImage.Result r = client(f.bundle("alice"), null, "--frontend", "failing");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.stderr()).contains("chat: frontend failing failed: java.io.IOException: the plugin broke");
            assertNoStackTrace(r);
        }
    }
}
