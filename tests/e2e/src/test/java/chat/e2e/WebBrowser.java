package chat.e2e;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through Debian's ChromeDriver with a fresh profile.
 * Nothing is downloaded: the driver and the browser are given by path, so Selenium Manager
 * never runs. Without them the test fails with a sentence saying what to install.
 */
final class WebBrowser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(30);

    final ChromeDriver driver;

    WebBrowser(Path profile) {
        requireInstalled();
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--window-size=1200,800",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    /** Fails (never skips) when Chromium or ChromeDriver is missing. */
    static void requireInstalled() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail("the web frontend's browser tests need Debian's Chromium and ChromeDriver at " + CHROMIUM + " and "
                    + CHROMEDRIVER + ": install them with 'apt-get install chromium chromium-driver' (.ci/run does"
                    + " this when they are missing)");
        }
    }

    WebDriver get(String url) {
        driver.get(url);
        return driver;
    }

    <T> T until(String what, Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, WAIT).withMessage(what)
                    .ignoring(StaleElementReferenceException.class).until(condition);
        } catch (RuntimeException e) {
            throw new AssertionError("the page did not show " + what + " within " + WAIT + "; it shows:\n"
                    + driver.findElement(By.tagName("body")).getText(), e);
        }
    }

    WebElement byId(String id) {
        return until("#" + id, d -> {
            WebElement e = d.findElement(By.id(id));
            return e.isDisplayed() ? e : null;
        });
    }

    /** Waits until the element {@code id} shows {@code text} (a part of its visible text). */
    WebElement showing(String id, String text) {
        return until("'" + text + "' in #" + id, d -> {
            WebElement e = d.findElement(By.id(id));
            return e.isDisplayed() && e.getText().contains(text) ? e : null;
        });
    }

    /**
     * Presses {@code keys} on the element {@code by} finds, once it is there; again if the
     * page redrew it meanwhile (the lists are redrawn on every event).
     */
    void press(By by, CharSequence... keys) {
        until(by.toString(), d -> {
            d.findElement(by).sendKeys(keys);
            return true;
        });
    }

    void screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
