package chat.storage;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A read ({@link EntryCursor#next()}) met damage in the journal itself, not merely in a
 * channel's index (which the store rebuilds from the journal by itself): the record of an
 * acknowledged entry is missing or fails its CRC. The message names the channel, the seq,
 * the segment file and the offset. The store cannot repair this while it runs; the
 * operator copies the data folder, then starts the server once with
 * {@code chat server --repair-journal} ({@link EntryStore#repair}), which moves everything
 * from the damage on aside and starts with the entries before it.
 *
 * <p>An {@link UncheckedIOException}, so callers that already handle a failed read keep
 * doing so.
 */
public final class JournalDamageException extends UncheckedIOException {

    public JournalDamageException(String message) {
        super(message, new IOException(message));
    }
}
