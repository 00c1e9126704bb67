package chat.storage.internal;

import chat.storage.ChannelState;
import chat.storage.RecoveredState;
import chat.storage.StoreCorruptException;
import chat.storage.StoreIOException;
import chat.storage.StorageException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Brings a data directory back to a consistent state at open: the state and the index
 * files agree with the journal, and the journal ends at its last valid record.
 *
 * <p>With a usable checkpoint, every index file is cut to its checkpointed length (the
 * fsynced part) and the journal is replayed from the checkpoint position. Without one (none
 * yet, damaged, or disagreeing with the files) all index files are deleted and the whole
 * journal is replayed. A checkpoint found unusable is deleted first, so that a crash in
 * the middle of the rebuild cannot later pair it with half-written index files.
 */
final class Recovery {

    private static final System.Logger LOG = System.getLogger("chat.storage");

    /** The outcome: the durable state, the end of the journal (null if empty), and how much was replayed. */
    record Result(LiveState state, JournalPosition end, long replayed) {
    }

    private Recovery() {
    }

    static Result run(StoreLayout layout, IndexFiles index) throws StorageException {
        return run(layout, index, false);
    }

    /** With {@code repair}, damage in the middle of the journal is moved aside and cut (see {@link JournalReplay}). */
    static Result run(StoreLayout layout, IndexFiles index, boolean repair) throws StorageException {
        try {
            boolean fresh = !Files.isDirectory(layout.journalDir()) || !Files.isDirectory(layout.indexDir());
            Files.createDirectories(layout.journalDir());
            Files.createDirectories(layout.indexDir());
            if (fresh) {
                Durability.fsyncDirectory(layout.root()); // the new folders' names are durable too
            }
            List<Integer> segments = layout.segmentNumbers();
            for (int i = 0; i < segments.size(); i++) {
                if (segments.get(i) != i + 1) {
                    throw new StoreCorruptException(layout.journalDir() + " lacks segment " + layout.segment(i + 1)
                            + " (found segments " + segments + ")");
                }
            }
            Optional<Checkpoint> checkpoint = usableCheckpoint(layout, index, segments);
            JournalPosition vouched = null;
            if (checkpoint.isPresent()) {
                // Replay starts at the checkpoint and never reads what precedes it: check that part here.
                JournalPosition position = checkpoint.get().position();
                JournalVerifier.Damage damage = JournalVerifier.verifyBefore(layout, position, segments.size());
                if (damage != null) {
                    if (!repair) {
                        throw new StoreCorruptException(JournalReplay.middleDamage(layout,
                                layout.segment(damage.segment()), damage.offset(), damage.reason(), damage.bytesAfter()));
                    }
                    // The repair: replay from the start, which meets the damage and moves it aside.
                    checkpoint = discard(layout, "the journal before it is damaged at "
                            + layout.segment(damage.segment()) + " offset " + damage.offset() + " (" + damage.reason()
                            + ")");
                    vouched = position;
                }
            }
            LiveState state;
            JournalPosition start;
            if (checkpoint.isPresent()) {
                state = LiveState.of(checkpoint.get().state());
                start = checkpoint.get().position();
                trimIndexes(layout, index, checkpoint.get().state());
            } else {
                state = LiveState.of(RecoveredState.EMPTY);
                start = JournalPosition.START;
                for (Path file : layout.indexFiles()) {
                    Files.delete(file);
                }
            }
            Compactor.recover(layout, index, checkpoint.isPresent());
            JournalReplay replay = new JournalReplay(layout, state, index, repair, vouched);
            List<Integer> toScan = segments.isEmpty() ? segments : segments.subList(start.segment() - 1, segments.size());
            JournalPosition end = replay.run(toScan, start);
            return new Result(state, end, replay.replayed());
        } catch (IOException e) {
            throw new StoreIOException("cannot recover " + layout.root(), e);
        }
    }

    private static Optional<Checkpoint> usableCheckpoint(StoreLayout layout, IndexFiles index, List<Integer> segments)
            throws IOException {
        Optional<Checkpoint> read;
        try {
            read = CheckpointFile.read(layout);
        } catch (CorruptDataException e) {
            return discard(layout, e.getMessage());
        }
        if (read.isEmpty()) {
            return read;
        }
        JournalPosition position = read.get().position();
        if (position.segment() > segments.size()) {
            return discard(layout, "it points into segment " + position.segment() + ", which is missing");
        }
        long size = Files.size(layout.segment(position.segment()));
        if (size < position.offset()) {
            return discard(layout, "it points at offset " + position.offset() + " of "
                    + layout.segment(position.segment()) + ", which has " + size + " bytes");
        }
        for (ChannelState channel : read.get().state().channels().values()) {
            long entries = index.entries(channel.name());
            if (entries < channel.headSeq()) {
                return discard(layout, "index of channel " + channel.name() + " has " + entries
                        + " entries, fewer than the checkpointed " + channel.headSeq());
            }
        }
        return read;
    }

    private static Optional<Checkpoint> discard(StoreLayout layout, String reason) throws IOException {
        LOG.log(Level.WARNING, "checkpoint " + layout.checkpointFile() + " is unusable (" + reason
                + "); rescanning the whole journal");
        Files.deleteIfExists(layout.checkpointFile());
        Durability.fsyncDirectory(layout.root());
        return Optional.empty();
    }

    /** Cuts each index file to its checkpointed length; deletes those of later channels. */
    private static void trimIndexes(StoreLayout layout, IndexFiles index, RecoveredState state) throws IOException {
        Map<String, ChannelState> byFile = new HashMap<>();
        state.channels().values().forEach(c -> byFile.put(StoreLayout.indexFileName(c.name()), c));
        for (Path file : layout.indexFiles()) {
            ChannelState channel = byFile.get(file.getFileName().toString());
            if (channel == null) {
                Files.delete(file);
            } else {
                index.truncate(channel.name(), channel.headSeq());
            }
        }
    }
}
