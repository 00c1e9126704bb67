package chat.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code chat client --frontend web} in a subprocess: the link it prints, and its exit. */
final class WebProcess implements AutoCloseable {

    static final Pattern LINK = Pattern.compile("^open (http://127\\.0\\.0\\.1:(\\d+))/#token=([A-Za-z0-9_-]{43})$");

    final Process process;
    final String url;
    final String base;
    final String token;
    private final ChatImage.Pump stderr;

    private WebProcess(Process process, String line, ChatImage.Pump stderr) {
        this.process = process;
        this.stderr = stderr;
        Matcher m = LINK.matcher(line == null ? "" : line);
        if (!m.matches()) {
            process.destroyForcibly();
            throw new AssertionError("the web frontend printed '" + line + "', not the link\n" + stderr.text());
        }
        this.url = line.substring("open ".length());
        this.base = m.group(1);
        this.token = m.group(3);
    }

    static WebProcess start(ChatImage chat, Path bundle, int serverPort, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("client", "--dir", bundle.toString(), "--server",
                "127.0.0.1:" + serverPort, "--frontend", "web"));
        args.addAll(List.of(extra));
        ProcessBuilder pb = chat.command(args);
        pb.environment().remove("CHAT_PASSWORD");
        try {
            Process p = pb.start();
            ChatImage.Pump err = new ChatImage.Pump(p.getErrorStream());
            err.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(60, TimeUnit.SECONDS);
            return new WebProcess(p, line, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new AssertionError("the web frontend printed no link within 60 s", e);
        }
    }

    String stderr() {
        return stderr.text();
    }

    int waitForExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the web frontend did not exit within " + timeout + "\n" + stderr());
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
