package chat.storage.internal;

import chat.storage.AppendCallback;
import chat.storage.StoredEntry;

/** An appended entry waiting for the committer, with whom to tell. */
record Pending(StoredEntry entry, AppendCallback callback) {
}
