package chat.storage.internal;

/**
 * Bytes read from disk that cannot be taken as written: a torn, bit-flipped or
 * out-of-order journal record, or a damaged checkpoint. Recovery turns it into a cut or a
 * full rescan; it never leaves this package.
 */
final class CorruptDataException extends Exception {

    CorruptDataException(String message) {
        super(message);
    }
}
