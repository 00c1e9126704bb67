package chat.frontend.json;

import chat.client.ChannelInfo;
import chat.client.ChatClient;
import chat.client.CommandException;
import chat.client.HistoryItem;
import chat.client.Whois;
import chat.protocol.json.Jcs;
import chat.protocol.json.JsonException;
import chat.protocol.json.JsonValue;
import chat.protocol.json.ObjectBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.CompletionException;

/**
 * Runs one command line: create, invite, send, leave, remove, admin, rotate, channels,
 * history, whois, verify, users, quit. Commands that change a channel go straight to the client, which keeps
 * their order (a send or invite given right after a create waits there for it), so a
 * script can create a channel, invite and send without waiting itself; sends are
 * pipelined. channels and history wait until earlier membership changes are answered,
 * so that they show them (not for messages: one queued offline must not hold them).
 */
final class Commands {

    private final ChatClient client;
    private final EventWriter out;
    private final CompletableFuture<?> gaveUp;
    private CompletableFuture<?> membership = CompletableFuture.completedFuture(null);

    private final CompletableFuture<?> stopping;
    /** Once input has ended: the latest time to go on waiting for acknowledgements. */
    private long drainDeadline;

    /**
     * {@code gaveUp} completes if the client stops connecting, {@code stopping} when input
     * has ended (quit or end of file): either way nothing waits for an acknowledgement any
     * more, so a command queued behind an unacknowledged create runs (and fails, if the
     * channel is not there) instead of blocking the exit.
     */
    Commands(ChatClient client, EventWriter out, CompletableFuture<?> gaveUp, CompletableFuture<?> stopping) {
        this.client = client;
        this.out = out;
        this.gaveUp = gaveUp;
        this.stopping = stopping;
    }

    /**
     * Waits until every earlier membership change is acknowledged (or refused), or the client
     * gave up connecting. After the end of input the wait is bounded: a script that pipes
     * its commands and closes its input still gets them run in order while the server
     * answers, but a client that stays offline does not keep it waiting for ever.
     */
    private void awaitMembership() {
        CompletableFuture<Object> acknowledged = CompletableFuture.anyOf(membership, gaveUp);
        try {
            CompletableFuture.anyOf(acknowledged, stopping).handle((v, e) -> null).join();
            if (!acknowledged.isDone()) {
                if (drainDeadline == 0) {
                    drainDeadline = System.nanoTime() + JsonFrontend.DRAIN_TIMEOUT.toNanos();
                }
                long left = drainDeadline - System.nanoTime();
                if (left > 0) {
                    acknowledged.handle((v, e) -> null).get(left, TimeUnit.NANOSECONDS);
                }
            }
        } catch (TimeoutException | CancellationException | ExecutionException e) {
            // waited long enough: the command runs now (and fails if what it needs is not there)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code line}; false when the frontend is to stop (quit). */
    boolean run(String line) {
        CommandLine command;
        try {
            command = CommandLine.parse(line);
        } catch (CommandLine.Invalid e) {
            out.error("badCommand", e.getMessage(), e.id);
            return true;
        }
        JsonValue id = command.id();
        String tag = id == null ? null : Jcs.canonicalString(id);
        try {
            switch (command.cmd()) {
                case "create" -> {
                    command.args().only(Set.of("cmd", "id", "channel"));
                    changed(acknowledge(client.createChannel(command.args().string("channel"), tag), id));
                }
                case "invite" -> {
                    command.args().only(Set.of("cmd", "id", "channel", "user"));
                    changed(acknowledge(client.invite(command.args().string("channel"), command.args().string("user"),
                            tag), id));
                }
                case "send" -> {
                    command.args().only(Set.of("cmd", "id", "channel", "text"));
                    // not waited for by channels/history: a message queued offline must not hold them
                    acknowledge(client.send(command.args().string("channel"), command.args().string("text"), tag), id);
                }
                case "leave" -> {
                    command.args().only(Set.of("cmd", "id", "channel"));
                    changed(acknowledge(client.leave(command.args().string("channel"), tag), id));
                }
                case "remove" -> {
                    command.args().only(Set.of("cmd", "id", "channel", "user"));
                    changed(acknowledge(client.remove(command.args().string("channel"), command.args().string("user"),
                            tag), id));
                }
                case "admin" -> {
                    command.args().only(Set.of("cmd", "id", "channel", "user"));
                    changed(acknowledge(client.makeAdmin(command.args().string("channel"),
                            command.args().string("user"), tag), id));
                }
                case "rotate" -> {
                    command.args().only(Set.of("cmd", "id", "channel"));
                    changed(acknowledge(client.rotate(command.args().string("channel"), tag), id));
                }
                case "channels" -> {
                    awaitMembership();
                    command.args().only(Set.of("cmd", "id"));
                    out.write(channels(client.channels()), id);
                }
                case "history" -> {
                    awaitMembership();
                    command.args().only(Set.of("cmd", "id", "channel", "limit"));
                    String channel = command.args().string("channel");
                    int limit = command.args().has("limit")
                            ? (int) command.args().integer("limit", 0, Integer.MAX_VALUE) : 50;
                    out.write(history(channel, client.history(channel, limit)), id);
                }
                case "whois" -> {
                    command.args().only(Set.of("cmd", "id", "user"));
                    out.write(whois(client.whois(command.args().string("user"))), id);
                }
                case "verify" -> {
                    command.args().only(Set.of("cmd", "id", "user"));
                    out.write(whois(client.verify(command.args().string("user"))), id);
                }
                case "users" -> {
                    command.args().only(Set.of("cmd", "id"));
                    out.write(users(), id);
                }
                case "quit" -> {
                    command.args().only(Set.of("cmd", "id"));
                    out.write(ObjectBuilder.create().put("event", "ok"), id);
                    return false;
                }
                default -> out.error("badCommand", "unknown command '" + command.cmd()
                        + "'; known: create, invite, send, leave, remove, admin, rotate, channels, history, whois, verify, "
                        + "users, quit", id);
            }
        } catch (JsonException e) {
            out.error("badCommand", e.getMessage(), id);
        } catch (CommandException e) {
            out.error(e.code(), e.getMessage(), id);
        }
        return true;
    }

    /** Remembers a membership change in flight (create, invite, leave, remove, admin, rotate) for channels and history. */
    private void changed(CompletableFuture<Long> answer) {
        membership = CompletableFuture.allOf(membership, answer.handle((v, e) -> null));
    }

    private CompletableFuture<Long> acknowledge(CompletableFuture<Long> future, JsonValue id) {
        return future.whenComplete((seq, failure) -> {
            if (failure == null) {
                out.write(ObjectBuilder.create().put("event", "ok").put("seq", seq), id);
            } else {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                if (cause instanceof CommandException c) {
                    out.error(c.code(), c.getMessage(), id);
                } else {
                    out.error("failed", String.valueOf(cause.getMessage()), id);
                }
            }
        });
    }

    /** {"event":"whois"}: the user's fingerprint, when the key entered the directory, revoked or not, verified or not. */
    static ObjectBuilder whois(Whois w) {
        return ObjectBuilder.create().put("event", "whois").put("user", w.user()).put("fingerprint", w.fingerprint())
                .put("verified", w.verified()).put("since", w.since()).put("sinceTime", w.sinceAt().toString())
                .put("revoked", w.revoked()).put("revokedIn", w.revokedIn())
                .put("revokedTime", w.revokedAt() == null ? null : w.revokedAt().toString())
                .put("keyChanges", w.keyChanges()).put("directoryVersion", w.directoryVersion());
    }

    /** {"event":"users"}: every user of the newest directory version this device holds. */
    private ObjectBuilder users() throws CommandException {
        List<JsonValue> list = new ArrayList<>();
        for (String user : client.directory().users().keySet()) {
            Whois w = client.whois(user);
            list.add(ObjectBuilder.create().put("user", user).put("fingerprint", w.fingerprint())
                    .put("verified", w.verified()).put("since", w.since()).build());
        }
        return ObjectBuilder.create().put("event", "users").put("directoryVersion", client.directoryVersion())
                .put("users", new JsonValue.JsonArray(list));
    }

    private static ObjectBuilder channels(List<ChannelInfo> channels) {
        List<JsonValue> list = new ArrayList<>();
        for (ChannelInfo c : channels) {
            List<JsonValue> members = new ArrayList<>();
            c.members().forEach(m -> members.add(new JsonValue.JsonString(m)));
            List<JsonValue> admins = new ArrayList<>();
            c.admins().forEach(m -> admins.add(new JsonValue.JsonString(m)));
            list.add(ObjectBuilder.create().put("name", c.name()).put("members", new JsonValue.JsonArray(members))
                    .put("admins", new JsonValue.JsonArray(admins)).put("unread", c.unread()).put("lastSeq", c.lastSeq())
                    .put("epoch", c.epoch()).put("active", c.active()).build());
        }
        return ObjectBuilder.create().put("event", "channels").put("channels", new JsonValue.JsonArray(list));
    }

    private static ObjectBuilder history(String channel, List<HistoryItem> items) {
        List<JsonValue> list = new ArrayList<>();
        for (HistoryItem item : items) {
            ObjectBuilder b = ObjectBuilder.create().put("seq", item.seq()).put("timestamp", item.timestamp().toString());
            switch (item) {
                case HistoryItem.Text t -> b.put("type", "message").put("from", t.author()).put("text", t.text())
                        .put("mine", t.mine());
                case HistoryItem.Joined j -> b.put("type", "member").put("user", j.member()).put("by", j.author())
                        .put("change", "added");
                case HistoryItem.MemberChanged m -> b.put("type", "member").put("user", m.member()).put("by", m.author())
                        .put("change", m.change().wireName());
                case HistoryItem.Rotated r -> b.put("type", "rotated").put("by", r.author()).put("epoch", r.epoch());
                case HistoryItem.Expired x -> b.put("type", "expired").put("fromSeq", x.fromSeq())
                        .put("count", x.count());
            }
            list.add(b.build());
        }
        return ObjectBuilder.create().put("event", "history").put("channel", channel)
                .put("entries", new JsonValue.JsonArray(list));
    }
}
