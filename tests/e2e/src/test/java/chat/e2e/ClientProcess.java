package chat.e2e;

import chat.protocol.json.JsonException;
import chat.protocol.json.JsonParser;
import chat.protocol.json.JsonValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code chat client --frontend json} in a subprocess, driven the way a bot drives it:
 * command lines written to its standard input (kept open), events read from its standard
 * output as they come. Every wait has a deadline: a client that does not answer fails the
 * test, it never blocks it.
 */
final class ClientProcess implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** One line of standard output; {@code json} is null when the line is not a JSON object. */
    record Event(String line, JsonValue.JsonObject json) {

        String type() {
            return str("event");
        }

        String str(String field) {
            return json != null && json.fields().get(field) instanceof JsonValue.JsonString s ? s.value() : null;
        }

        long num(String field) {
            if (json != null && json.fields().get(field) instanceof JsonValue.JsonNumber n) {
                return n.value();
            }
            throw new AssertionError("no number '" + field + "' in " + line);
        }

        boolean bool(String field) {
            if (json != null && json.fields().get(field) instanceof JsonValue.JsonBoolean b) {
                return b.value();
            }
            throw new AssertionError("no boolean '" + field + "' in " + line);
        }

        JsonValue get(String field) {
            return json == null ? null : json.fields().get(field);
        }

        @Override
        public String toString() {
            return line;
        }
    }

    /**
     * An event of {@code type} whose fields have the given values (pairs of name, value; a
     * value is a String, a Number or a Boolean).
     */
    static Predicate<Event> event(String type, Object... fieldsAndValues) {
        return e -> {
            if (!type.equals(e.type())) {
                return false;
            }
            for (int i = 0; i < fieldsAndValues.length; i += 2) {
                JsonValue v = e.get((String) fieldsAndValues[i]);
                Object want = fieldsAndValues[i + 1];
                boolean same = switch (want) {
                    case String s -> v instanceof JsonValue.JsonString js && js.value().equals(s);
                    case Number n -> v instanceof JsonValue.JsonNumber jn && jn.value() == n.longValue();
                    case Boolean b -> v instanceof JsonValue.JsonBoolean jb && jb.value() == b;
                    default -> throw new IllegalArgumentException("unsupported value " + want);
                };
                if (!same) {
                    return false;
                }
            }
            return true;
        };
    }

    private final String name;
    private final Process process;
    private final OutputStream stdin;
    private final List<Event> events = new ArrayList<>();
    private final ChatImage.Pump stderr;
    private final Thread reader;

    private ClientProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = process.getOutputStream();
        this.stderr = new ChatImage.Pump(process.getErrorStream());
        this.stderr.start();
        this.reader = Thread.ofPlatform().daemon().name("stdout of " + name).start(this::readLoop);
    }

    /** Starts the json frontend for the bundle {@code bundle}, logging in to 127.0.0.1:{@code port}. */
    static ClientProcess start(ChatImage chat, String name, java.nio.file.Path bundle, int port, String password) {
        return start(chat, name, bundle, "127.0.0.1:" + port, password);
    }

    /** Starts the json frontend for the bundle {@code bundle}, with {@code --server servers}. */
    static ClientProcess start(ChatImage chat, String name, java.nio.file.Path bundle, String servers, String password) {
        return start(chat, name, bundle, servers, password, java.util.Map.of());
    }

    /** The same, with {@code environment} added to the process's (e.g. {@code CHAT_JAVA_OPTS}). */
    static ClientProcess start(ChatImage chat, String name, java.nio.file.Path bundle, String servers, String password,
                               java.util.Map<String, String> environment) {
        ProcessBuilder pb = chat.command(List.of("client", "--dir", bundle.toString(), "--server", servers,
                "--frontend", "json"));
        pb.environment().put("CHAT_PASSWORD", password);
        pb.environment().putAll(environment);
        return start(name, pb);
    }

    static ClientProcess start(String name, ProcessBuilder pb) {
        try {
            return new ClientProcess(name, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void readLoop() {
        // A frontend's output is not a protocol frame: a history of a long channel is one line
        // with more entries than a frame may hold (the protocol's limit is 4,096 per array).
        JsonParser parser = new JsonParser(new chat.protocol.json.JsonLimits(16, 64 << 20, 4096, 1 << 22, 1 << 24));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonValue.JsonObject json;
                try {
                    json = parser.parseObject(line.getBytes(StandardCharsets.UTF_8));
                } catch (JsonException e) {
                    json = null;
                }
                synchronized (this) {
                    events.add(new Event(line, json));
                    notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
        synchronized (this) {
            notifyAll();
        }
    }

    /** Writes one line (a command, or anything else) to the client's standard input. */
    void send(String line) {
        try {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new AssertionError(name + ": cannot write to the client (exited?): " + e + "\n" + describe(), e);
        }
    }

    /** The first event (since the start) that matches; fails after {@link #TIMEOUT}. */
    Event await(String what, Predicate<Event> matches) {
        return await(what, matches, TIMEOUT);
    }

    Event await(String what, Predicate<Event> matches, Duration timeout) {
        return awaitFrom(0, what, matches, timeout);
    }

    /** The first matching event at index {@code from} or later. */
    synchronized Event awaitFrom(int from, String what, Predicate<Event> matches, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int checked = from;
        while (true) {
            for (; checked < events.size(); checked++) {
                if (matches.test(events.get(checked))) {
                    return events.get(checked);
                }
            }
            if (!reader.isAlive() && checked >= events.size()) {
                throw new AssertionError(name + ": output ended before " + what + "\n" + describe());
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new AssertionError(name + ": no " + what + " within " + timeout + "\n" + describe());
            }
            try {
                wait(Math.min(left, 500));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Waits until the client is logged in and has replayed. */
    ClientProcess ready() {
        await("ready", event("ready"));
        return this;
    }

    /** Sends {@code command} with an id and waits for the ok or error event carrying it. */
    Event call(String id, String command) {
        if (!command.endsWith("}")) {
            throw new IllegalArgumentException(command);
        }
        send(command.substring(0, command.length() - 1) + ",\"id\":\"" + id + "\"}");
        return await("the answer to " + id, e -> id.equals(e.str("id")) && !"message".equals(e.type())
                && !"member".equals(e.type()) && !"rotated".equals(e.type()));
    }

    /** Sends {@code command} with an id and asserts it was acknowledged with ok. */
    Event ok(String id, String command) {
        Event answer = call(id, command);
        if (!"ok".equals(answer.type())) {
            throw new AssertionError(name + ": " + command + " answered " + answer + "\n" + describe());
        }
        return answer;
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    synchronized int count() {
        return events.size();
    }

    synchronized List<Event> events(Predicate<Event> matches) {
        return events.stream().filter(matches).toList();
    }

    String stderr() {
        return stderr.text();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Sends quit and waits for the process to exit; returns its exit code. */
    int quit() {
        if (process.isAlive()) {
            try {
                send("{\"cmd\":\"quit\"}");
            } catch (AssertionError ignored) {
                // it was exiting anyway
            }
        }
        return closeInputAndWait();
    }

    /** Ends the client's standard input (end of commands) and waits for it to exit. */
    int closeInputAndWait() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // exited already
        }
        return waitForExit(TIMEOUT.multipliedBy(2));
    }

    int waitForExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(name + ": did not exit within " + timeout + "\n" + describe());
            }
            reader.join(TIMEOUT.toMillis());
            stderr.join(TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return process.exitValue();
    }

    /** Kills the client at once (SIGKILL), as a crash or a pulled plug would. */
    void kill() {
        process.destroyForcibly();
        waitForExit(TIMEOUT);
    }

    String describe() {
        StringBuilder out = new StringBuilder("--- " + name + " stdout\n");
        for (Event e : events()) {
            out.append(e.line()).append('\n');
        }
        out.append("--- ").append(name).append(" stderr\n").append(stderr());
        return out.toString();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
