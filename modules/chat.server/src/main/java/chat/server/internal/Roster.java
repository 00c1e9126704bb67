package chat.server.internal;

import chat.protocol.identity.Directory;
import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.DirectoryVersion;
import chat.protocol.identity.Principal;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The directory log the server serves, replaced while it runs when the admin writes a new
 * version. The server only stores and serves the log: clients verify it and raise the
 * alarms, so a log whose signatures fail, or one that rolls back, is still served, with a
 * warning here.
 *
 * <p>Ordering across connections: a client that learns of a new version may at once send
 * an entry that depends on it (an invitation of a new user, the removal of a revoked one),
 * and every other member must have been sent the version before that entry. So the log is
 * replaced, and the push to every connection queued, under the write lock; the requests
 * that depend on the directory (addUser, member, directoryGet) are checked and accepted
 * under the read lock. An entry accepted after the swap is queued behind the push on every
 * connection, because entries are queued only once durable, after they were accepted.
 */
final class Roster {

    private static final System.Logger LOG = System.getLogger("chat.server");

    private static final int MAX_NAMED = 20;

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile DirectoryLog log;

    Roster(DirectoryLog log) {
        this.log = log;
        verifyWarning(log);
    }

    /** The log now; read without a lock (one volatile read), for the hot paths. */
    DirectoryLog log() {
        return log;
    }

    /** The users whose keys are valid now. */
    Directory directory() {
        return log.current();
    }

    interface Locked<T, E extends Exception> {
        T run() throws E;
    }

    /** Runs {@code work} so that no new log is swapped in meanwhile. */
    <T, E extends Exception> T read(Locked<T, E> work) throws E {
        lock.readLock().lock();
        try {
            return work.run();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Replaces the log with {@code next} (unless it holds exactly the same versions) and,
     * still holding the write lock, tells every connection. Returns false if nothing changed.
     */
    boolean replace(DirectoryLog next, Iterable<Connection> connections) {
        lock.writeLock().lock();
        try {
            DirectoryLog before = log;
            if (same(before, next)) {
                return false;
            }
            String departure = departure(before, next);
            if (departure != null) {
                LOG.log(Level.WARNING, "the directory on disk " + departure + "; serving it anyway (clients will "
                        + "raise an alarm; restore the newest directory.json if this was not meant)");
            }
            verifyWarning(next);
            log = next;
            LOG.log(Level.INFO, "directory version {0,number,#} loaded ({1})", next.number(), changes(before, next));
            for (Connection c : connections) {
                c.directoryChanged(next);
            }
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static void verifyWarning(DirectoryLog log) {
        Optional<String> problem = log.verifyProblem();
        problem.ifPresent(p -> LOG.log(Level.WARNING, "the directory (version " + log.number() + ") does not verify: "
                + p + "; serving it anyway (clients check it and will raise an alarm)"));
    }

    static boolean same(DirectoryLog a, DirectoryLog b) {
        return a.number() == b.number() && java.util.Arrays.equals(a.head(), b.head());
    }

    /** How {@code next} fails to extend {@code before}, or null if it does. */
    static String departure(DirectoryLog before, DirectoryLog next) {
        long common = Math.min(before.number(), next.number());
        for (long n = 1; n <= common; n++) {
            if (!java.util.Arrays.equals(before.headAt(n), next.headAt(n))) { // the heads are kept: no rehashing
                return "holds another version " + n + " than the one served before (a fork: versions " + n
                        + " to " + before.number() + " were replaced)";
            }
        }
        if (next.number() < before.number()) {
            return "was rolled back from version " + before.number() + " to " + next.number();
        }
        return null;
    }

    /** "+dave, -bob": who the new log adds (or gives a new key) and who it drops. */
    static String changes(DirectoryLog before, DirectoryLog next) {
        Map<String, Principal> old = before.current().users();
        Map<String, Principal> now = next.current().users();
        List<String> out = new ArrayList<>();
        now.forEach((name, p) -> {
            if (!p.equals(old.get(name))) {
                out.add("+" + name);
            }
        });
        old.keySet().forEach(name -> {
            if (!now.containsKey(name)) {
                out.add("-" + name);
            }
        });
        if (out.isEmpty()) {
            return "no change of users";
        }
        // A version may add thousands of users; the log line names a few.
        return out.size() <= MAX_NAMED ? String.join(", ", out)
                : String.join(", ", out.subList(0, MAX_NAMED)) + " and " + (out.size() - MAX_NAMED) + " more";
    }

    /**
     * Why {@code user}, logged in with that key, may not go on under {@code log}: revoked,
     * or given another key; null if the key is current. A user the log does not name at all
     * (a rollback to before they were added) is not refused here: their client is sent the
     * log and raises the alarm, and their requests are refused meanwhile.
     */
    static String refusal(DirectoryLog log, Principal user) {
        Optional<Principal> now = log.current().user(user.name());
        if (now.isPresent()) {
            if (now.get().equals(user)) {
                return null;
            }
            long n = log.entered(user.name()).map(DirectoryVersion::number).orElse(log.number());
            return user.name() + "'s key was replaced by the admin in directory version " + n
                    + ": log in again with " + user.name() + "'s new key";
        }
        return log.isRevoked(user.name()) ? revoked(log, user.name()) : null;
    }

    /** The refusal of a revoked user, at login and when the revocation loads. */
    static String revoked(DirectoryLog log, String name) {
        long n = log.revocation(name).map(DirectoryVersion::number).orElse(log.number());
        return name + "'s key was revoked by the admin in directory version " + n + ": " + name
                + " cannot log in any more (ask the admin)";
    }
}
