package chat.storage.internal;

import chat.storage.RecoveredState;

/**
 * A point in the journal up to which every index file is complete and fsynced, with the
 * state as of that point. Recovery starts there instead of at the first segment.
 */
record Checkpoint(JournalPosition position, RecoveredState state) {
}
