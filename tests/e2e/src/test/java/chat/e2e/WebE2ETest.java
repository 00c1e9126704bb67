package chat.e2e;

import static chat.e2e.ClientProcess.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.IdentityKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/**
 * The web frontend as a user gets it: dist/chat-web-VERSION.jar and the jars beside it
 * copied into plugins/ of a copy of the image, {@code chat client --frontend web}, and the
 * printed link opened in a real browser (Debian's headless Chromium through ChromeDriver).
 * The other member is a json-frontend bot. Screenshots of the main states go to
 * target/web-screenshots/ (docs/web.md shows them).
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class WebE2ETest {

    private static final ChatImage ORIGINAL = ChatImage.fromSystemProperty();
    private static final Path SCREENSHOTS = Path.of("target", "web-screenshots");
    private static final String INJECTION = "<img src=x onerror=alert(1)>";

    @TempDir
    Path tmp;

    private ChatImage chat;

    @BeforeAll
    static void browserIsInstalled() {
        WebBrowser.requireInstalled();
    }

    /** A copy of the image with the plugin installed the way docs/web.md says. */
    @BeforeEach
    void installThePlugin() throws IOException {
        Path copy = tmp.resolve("image");
        ChatImage.Result cp = ChatImage.run(new ProcessBuilder("cp", "-a", ORIGINAL.home().toString(), copy.toString()),
                null, Duration.ofMinutes(2));
        assertThat(cp.exitCode()).as(cp.toString()).isZero();
        Path dist = Path.of(System.getProperty("chat.archiveDir"));
        List<Path> jars;
        try (Stream<Path> files = Files.list(dist)) {
            jars = files.filter(p -> p.getFileName().toString().matches("chat-web-.*\\.jar")).toList();
        }
        assertThat(jars).as("the build made one dist/chat-web-VERSION.jar (jlink/build-image)").hasSize(1);
        Path libs = dist.resolve(jars.getFirst().getFileName().toString().replace(".jar", "-libs"));
        Files.copy(jars.getFirst(), copy.resolve("plugins").resolve(jars.getFirst().getFileName()));
        try (Stream<Path> files = Files.list(libs)) {
            for (Path lib : files.toList()) {
                Files.copy(lib, copy.resolve("plugins").resolve(lib.getFileName()));
            }
        }
        chat = ChatImage.at(copy);
    }

    @Test
    void theDefaultImageHasNoWebFrontendAndThePluginAddsIt() {
        assertThat(ORIGINAL.run("client", "--list-frontends").stdout()).doesNotContainPattern("(?m)^web ");
        ChatImage.Result list = chat.run("client", "--list-frontends");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.stdout()).containsPattern("(?m)^web +a chat page in your browser");
        assertThat(list.stderr()).as("no plugin skipped").isEmpty();
    }

    @Test
    void aPersonLogsInThroughThePageAndChatsLiveWithABot() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob");
             WebBrowser browser = new WebBrowser(Files.createDirectories(tmp.resolve("profile")))) {
            f.startServer();
            ClientProcess bob = f.client("bob");
            try (WebProcess web = WebProcess.start(chat, f.bundle("alice"), f.port())) {
                assertThat(web.process.info().arguments().map(List::of).orElse(List.of()))
                        .as("no password on the command line").noneMatch(a -> a.contains(f.passwords.get("alice")));
                browser.get(web.url);

                // log in: a wrong password first, said in the page; then the right one
                WebElement password = browser.byId("password");
                assertThat(browser.driver.findElement(By.cssSelector("label[for=password]")).getText()).isEqualTo("Password");
                assertThat(browser.driver.switchTo().activeElement()).as("the password field has the focus").isEqualTo(password);
                browser.screenshot(SCREENSHOTS.resolve("login.png"));
                password.sendKeys("not the password", Keys.ENTER);
                browser.showing("login-error", "wrong password for alice");
                browser.byId("password").sendKeys(f.passwords.get("alice"), Keys.ENTER);
                browser.byId("app");
                browser.showing("connection", "connected");
                assertThat(browser.driver.getCurrentUrl()).as("the token leaves the address bar").doesNotContain("token");

                // create a channel and invite bob, with the keyboard alone
                browser.byId("new-channel").sendKeys("ops", Keys.ENTER);
                browser.showing("channel-title", "#ops");
                browser.showing("member-list", "admin");
                browser.byId("invitee").sendKeys("bob", Keys.ENTER);
                bob.await("bob's invitation", event("member", "channel", "ops", "user", "bob", "by", "alice"));
                browser.showing("member-list", "bob");

                // bob's message arrives live; alice's go out with Enter, Shift-Enter makes a new line
                bob.ok("b1", "{\"cmd\":\"send\",\"channel\":\"ops\",\"text\":\"hello from bob\"}");
                browser.showing("history", "hello from bob");
                WebElement box = browser.byId("message");
                assertThat(browser.driver.findElement(By.cssSelector("label[for=message]")).getText()).isEqualTo("Message");
                box.sendKeys("hi bob", Keys.ENTER);
                bob.await("alice's message", event("message", "from", "alice", "text", "hi bob"));
                box.sendKeys("line one", Keys.chord(Keys.SHIFT, Keys.ENTER), "line two", Keys.ENTER);
                bob.await("two lines", event("message", "from", "alice", "text", "line one\nline two"));
                assertThat(browser.driver.findElements(By.cssSelector("#history li.msg.mine"))).hasSize(2);

                // markup in a message is text, from the bot and from the page
                bob.ok("b2", "{\"cmd\":\"send\",\"channel\":\"ops\",\"text\":\"" + INJECTION + "\"}");
                browser.showing("history", INJECTION);
                box.sendKeys(INJECTION, Keys.ENTER);
                bob.await("alice's markup", event("message", "from", "alice", "text", INJECTION));
                browser.until("alice's markup as text", d -> d.findElements(By.cssSelector("#history li.mine .text"))
                        .stream().anyMatch(e -> e.getText().equals(INJECTION)));
                assertThat(browser.driver.findElements(By.cssSelector("#history img"))).as("no element made").isEmpty();
                assertThatThrownBy(() -> browser.driver.switchTo().alert()).as("no script ran")
                        .isInstanceOf(NoAlertPresentException.class);

                // another channel: its unread count, then opened from the keyboard
                bob.ok("c", "{\"cmd\":\"create\",\"channel\":\"side\"}");
                bob.ok("i", "{\"cmd\":\"invite\",\"channel\":\"side\",\"user\":\"alice\"}");
                bob.ok("p", "{\"cmd\":\"send\",\"channel\":\"side\",\"text\":\"psst\"}");
                By side = By.cssSelector("#channel-list button[aria-label='#side, 1 unread']");
                browser.until("#side with 1 unread", d -> d.findElement(side));
                browser.screenshot(SCREENSHOTS.resolve("chat.png"));
                browser.press(side, Keys.ENTER);
                browser.showing("channel-title", "#side");
                browser.showing("history", "psst");
                browser.until("#side read", d -> d.findElement(By.cssSelector("#channel-list button[aria-label='#side']")));

                // remove bob from ops (alice is its admin)
                browser.press(By.cssSelector("#channel-list button[data-channel='ops']"), Keys.ENTER);
                browser.showing("channel-title", "#ops");
                browser.press(By.cssSelector("#member-list button[aria-label='Remove bob from #ops']"), Keys.ENTER);
                bob.await("bob's removal", event("member", "channel", "ops", "user", "bob", "change", "removed"));
                browser.showing("history", "alice removed bob");

                // Quit stops the frontend
                browser.byId("quit").sendKeys(Keys.ENTER);
                assertThat(web.waitForExit(Duration.ofSeconds(30))).as(web.stderr()).isZero();
            }
        }
    }

    @Test
    void anAlarmIsShownProminently() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice", "bob");
             WebBrowser browser = new WebBrowser(Files.createDirectories(tmp.resolve("profile")))) {
            // the server serves a directory that gives bob another key without the admin's signature
            Path served = f.serverDir().resolve("directory.json");
            String bobsKey = Base64.getEncoder().encodeToString(DirectoryLog.load(served).current().user("bob")
                    .orElseThrow().signingKey().bytes());
            String mallorysKey = Base64.getEncoder().encodeToString(
                    IdentityKeys.generate("mallory").signing().publicKey().bytes());
            Files.writeString(served, Files.readString(served).replace(bobsKey, mallorysKey));
            f.startServer();
            try (WebProcess web = WebProcess.start(chat, f.bundle("alice"), f.port())) {
                browser.get(web.url);
                browser.byId("password").sendKeys(f.passwords.get("alice"), Keys.ENTER);
                WebElement alarms = browser.showing("alarms", "key_changed");
                assertThat(alarms.getText()).contains("bob");
                assertThat(alarms.getAttribute("role")).isEqualTo("alert");
                browser.screenshot(SCREENSHOTS.resolve("alarm.png"));
            }
        }
    }

    @Test
    void theLocalServerAnswersOnlyItsOwnPageWithTheToken() throws Exception {
        try (ClientFixture f = new ClientFixture(chat, tmp, "alice")) {
            f.startServer();
            ChatImage.Result bad = chat.run(List.of("client", "--dir", f.bundle("alice").toString(), "--frontend", "web",
                    "--", "--port", "x"), null, java.util.Map.of());
            assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
            assertThat(bad.stderr()).isEqualTo("chat: --port needs a number, got 'x'\n");

            try (WebProcess web = WebProcess.start(chat, f.bundle("alice"), f.port());
                 HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(web.base + "/")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                        csp -> assertThat(csp).contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'"));

                assertThat(get(http, web.base + "/api/session", null, null).statusCode()).as("no token").isEqualTo(403);
                assertThat(get(http, web.base + "/api/session", "A".repeat(43), null).statusCode()).as("a wrong token")
                        .isEqualTo(403);
                HttpResponse<String> other = get(http, web.base + "/api/session", web.token, "http://evil.example");
                assertThat(other.statusCode()).as("another origin, even with the token").isEqualTo(403);
                HttpResponse<String> ok = get(http, web.base + "/api/session", web.token, null);
                assertThat(ok.statusCode()).isEqualTo(200);
                assertThat(ok.body()).contains("\"user\":\"alice\"", "\"loggedIn\":false");
                for (HttpResponse<String> r : List.of(page, other, ok)) {
                    assertThat(r.headers().map().keySet()).as("no CORS").noneMatch(h -> h.toLowerCase().startsWith("access-control"));
                }
                assertThat(rawStatus(web, "GET /api/session HTTP/1.1\r\nHost: rebound.example:" + URI.create(web.base).getPort()
                        + "\r\nX-Chat-Token: " + web.token + "\r\nConnection: close\r\n\r\n"))
                        .as("a DNS-rebinding host name, even with the token").isEqualTo(403);
            }
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url, String token, String origin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            b.header("X-Chat-Token", token);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int rawStatus(WebProcess web, String request) throws IOException {
        URI base = URI.create(web.base);
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        }
    }
}
