package chat.server.internal;

import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.IdentityFileException;
import chat.protocol.identity.Principal;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Objects;

/**
 * Picks up new directory versions without a restart: looks at the server's directory.json
 * about once a second and loads it when its modification time, size or file key (a rename
 * over it makes a new file) changed. {@code chat user add} replaces the file atomically, so
 * a change is normally a whole new log; a file that does not load (half-written by hand,
 * malformed) is reported once and the old log kept.
 */
public final class DirectoryWatcher implements Runnable {

    private static final System.Logger LOG = System.getLogger("chat.server");
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private record Stamp(FileTime modified, long size, Object fileKey) {
    }

    private final Path file;
    private final ServerContext context;
    private final Principal server;
    /** The stamp of the file last looked at; null at first, so the first look loads it (nothing lost in between). */
    private Stamp seen;
    /**
     * The problem last reported, so a file that cannot be read is reported once, not every
     * second. A file that does not load is reported once anyway: it is read again only when it changes.
     */
    private String reported;

    public DirectoryWatcher(Path file, ServerContext context) {
        this.file = file;
        this.context = context;
        this.server = context.hub().roster.log().server();
    }

    @Override
    public void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(INTERVAL);
                try {
                    check();
                } catch (RuntimeException e) {
                    // A bug, not a bad file: say so, and keep watching rather than never load again.
                    LOG.log(Level.ERROR, "loading " + file + " failed", e);
                }
            }
        } catch (InterruptedException e) {
            // shutdown
        }
    }

    /** Loads the file if it changed since the last look; never throws for a bad file. */
    void check() {
        Stamp stamp;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            stamp = new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
        } catch (IOException e) {
            report("cannot read " + file + " (" + e + "); still serving directory version "
                    + context.hub().roster.log().number());
            return;
        }
        if (stamp.equals(seen)) {
            return;
        }
        seen = stamp;
        DirectoryLog next;
        reported = null; // a new file: its problem is reported even if the last one had the same
        try {
            next = DirectoryLog.loadUnchecked(file);
        } catch (IdentityFileException e) {
            report(e.getMessage() + "; still serving directory version " + context.hub().roster.log().number());
            return;
        } catch (RuntimeException e) {
            report("cannot load " + file + " (" + e + "); still serving directory version "
                    + context.hub().roster.log().number());
            return;
        }
        if (!server.equals(next.server())) {
            report(file + " names other server keys than this server's; still serving directory version "
                    + context.hub().roster.log().number() + " (put back the directory.json of this deployment)");
            return;
        }
        reported = null;
        context.hub().roster.replace(next, context.connections());
    }

    private void report(String problem) {
        if (!Objects.equals(problem, reported)) {
            reported = problem;
            LOG.log(Level.WARNING, problem);
        }
    }
}
