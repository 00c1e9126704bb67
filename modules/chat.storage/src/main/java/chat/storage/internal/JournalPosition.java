package chat.storage.internal;

/** A byte position in the journal: a segment number and an offset inside that segment. */
record JournalPosition(int segment, long offset) {

    JournalPosition {
        if (segment < 1 || offset < SegmentHeader.BYTES) {
            throw new IllegalArgumentException("no journal position " + segment + ":" + offset);
        }
    }

    /** Where the first record of a journal goes. */
    static final JournalPosition START = new JournalPosition(1, SegmentHeader.BYTES);
}
