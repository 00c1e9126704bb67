package chat.bench;

import chat.crypto.MalformedInputException;
import chat.protocol.AddUser;
import chat.protocol.ChainHash;
import chat.protocol.Entries;
import chat.protocol.View;
import chat.protocol.identity.Principal;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Creates the channels of a run as a real client would: the creator's addUser (view 0 and
 * the genesis head, epoch 0), then one addUser per invitee, each signed over the view the
 * creator holds after the previous echo, the channel key wrapped to the invitee with HPKE.
 * The creator hashes each echo into the chain, so the invites carry true views. Creators
 * work in parallel; one creator's channels one after another (its userSeq must rise).
 */
final class ChannelSetup {

    private ChannelSetup() {
    }

    static void run(List<BenchChannel> channels, List<Member> members, Load load) throws IOException, InterruptedException {
        Map<Integer, List<BenchChannel>> byCreator = new LinkedHashMap<>();
        for (BenchChannel ch : channels) {
            byCreator.computeIfAbsent(ch.creator(), k -> new ArrayList<>()).add(ch);
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Void>> done = new ArrayList<>();
            for (var e : byCreator.entrySet()) {
                Member creator = members.get(e.getKey());
                done.add(pool.submit(() -> {
                    for (BenchChannel ch : e.getValue()) {
                        create(ch, creator, load);
                    }
                    return null;
                }));
            }
            for (Future<Void> f : done) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                }
            }
        }
        awaitMembersCaughtUp(channels, members, Duration.ofSeconds(60));
    }

    private static void create(BenchChannel ch, Member creator, Load load) throws IOException, InterruptedException,
            MalformedInputException {
        String me = creator.keys.name();
        View view = ch.view;
        long seq = creator.userSeq.incrementAndGet();
        AddUser create = Entries.addUser(creator.keys.signing(), ch.name, 0, me, me, creator.keys.agreement().publicKey(),
                ch.key, seq, view);
        byte[] head = ChainHash.next(view.head(), creator.request(create, seq));
        view = new View(1, head);
        for (int i = 1; i < ch.members.length; i++) {
            Principal invitee = load.population.principal(ch.members[i]);
            seq = creator.userSeq.incrementAndGet();
            AddUser invite = Entries.addUser(creator.keys.signing(), ch.name, 0, me, invitee.name(),
                    invitee.agreementKey(), ch.key, seq, view);
            head = ChainHash.next(view.head(), creator.request(invite, seq));
            view = new View(view.seq() + 1, head);
        }
        ch.view = view;
    }

    /** Waits until every member's reader has received its channels' setup entries (the newcomers' replays). */
    private static void awaitMembersCaughtUp(List<BenchChannel> channels, List<Member> members, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (BenchChannel ch : channels) {
            for (int m : ch.members) {
                Member member = members.get(m);
                while (member.lastSeq.getOrDefault(ch.name, 0L) < ch.view.seq()) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException(member.keys.name() + " has not received the setup of " + ch.name
                                + " within " + timeout.toSeconds() + " s");
                    }
                    Thread.sleep(10);
                }
            }
        }
    }
}
