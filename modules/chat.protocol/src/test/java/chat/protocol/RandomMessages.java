package chat.protocol;

import chat.crypto.AgreementPublicKey;
import chat.crypto.MalformedInputException;
import chat.crypto.SigningKeyPair;
import chat.crypto.SigningPublicKey;
import chat.protocol.identity.DirectoryVersion;
import chat.protocol.identity.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Random but valid messages of every type, from a seeded {@link Random} so a failure can be
 * reproduced from its seed. Names use the whole allowed alphabet and both length limits;
 * integers cover 0, 1 and the 2^53 - 1 edge; free text mixes ASCII, controls, escapes,
 * non-ASCII and surrogate pairs.
 */
final class RandomMessages {

    private static final String NAME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";
    private static final String TEXT_CHARS = "aZ09 \"\\/\b\f\n\r\t\u0000\u001f\u007f\u00e9\u20ac\u2028\ufb33\uffff";

    private final Random random;
    /** Ed25519 public keys must be curve points, so directory versions draw from a few real ones. */
    private final List<SigningPublicKey> signingKeys = new ArrayList<>();

    RandomMessages(long seed) {
        this.random = new Random(seed);
        try {
            for (int i = 0; i < 8; i++) {
                signingKeys.add(SigningKeyPair.fromPrivate(bytes(32)).publicKey());
            }
        } catch (MalformedInputException e) {
            throw new IllegalStateException(e);
        }
    }

    Message any() {
        return switch (random.nextInt(17)) {
            case 12 -> new DirectoryGet(seq(0));
            case 13 -> directory();
            case 14 -> new PresenceWatch();
            case 15 -> new Presence(user(), random.nextBoolean());
            case 16 -> expired();
            case 0 -> initConn();
            case 1 -> initKey();
            case 2 -> new InitConfirm(bytes(64));
            case 3 -> sync();
            case 4 -> replayFinished();
            case 5 -> addUser();
            case 6 -> comms();
            case 7 -> error();
            case 8 -> new Ping();
            case 9 -> member();
            case 10 -> rotate();
            default -> new Pong();
        };
    }

    Expired expired() {
        long from = seq(2);
        return new Expired(channel(), from, Math.min(from + random.nextInt(5000), (1L << 53) - 1), bytes(32), seq(0));
    }

    InitConn initConn() {
        return new InitConn(random.nextInt(3), user(), bytes(MessageCodec.NONCE_LENGTH),
                bytes(AgreementPublicKey.LENGTH), bytes(SigningPublicKey.SIGNATURE_LENGTH));
    }

    InitKey initKey() {
        return new InitKey(random.nextInt(3), bytes(MessageCodec.NONCE_LENGTH), bytes(AgreementPublicKey.LENGTH),
                bytes(SigningPublicKey.SIGNATURE_LENGTH));
    }

    Sync sync() {
        Map<String, Long> cursors = new LinkedHashMap<>();
        int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
            cursors.put(channel(), seq(0));
        }
        return new Sync(cursors);
    }

    ReplayFinished replayFinished() {
        Map<String, ChannelHead> heads = new LinkedHashMap<>();
        int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
            heads.put(channel(), new ChannelHead(seq(0), bytes(32)));
        }
        return new ReplayFinished(seq(0), heads);
    }

    AddUser addUser() {
        String inviter = user();
        String invitee = random.nextBoolean() ? inviter : user();
        return new AddUser(channel(), seq(0), inviter, invitee, seq(1), view(), bytes(32), bytes(MessageCodec.WRAPPED_KEY_LENGTH),
                bytes(32), bytes(64), stamp());
    }

    MemberChange member() {
        MemberChange.Change change = MemberChange.Change.values()[random.nextInt(3)];
        String author = user();
        String subject = change == MemberChange.Change.LEAVE ? author : other(author);
        return new MemberChange(channel(), seq(0), author, subject, change, seq(1), view(), bytes(64), stamp());
    }

    Rotate rotate() {
        java.util.SortedMap<String, Rotate.WrappedKey> keys = new java.util.TreeMap<>();
        int n = 1 + random.nextInt(5);
        for (int i = 0; i < n; i++) {
            keys.put(user(), new Rotate.WrappedKey(bytes(32), bytes(MessageCodec.WRAPPED_KEY_LENGTH)));
        }
        return new Rotate(channel(), seq(1), user(), seq(1), view(), keys, bytes(32), bytes(12),
                bytes(MessageCodec.WRAPPED_KEY_LENGTH), bytes(64), stamp());
    }

    /** One to four consecutive versions from a random number; version 1 names an admin and a server. */
    DirectoryUpdate directory() {
        long first = random.nextBoolean() ? 1 : seq(1);
        int n = 1 + random.nextInt(4);
        List<DirectoryVersion> versions = new ArrayList<>();
        for (long number = first; number < first + n && number <= MessageCodec.MAX_SEQ; number++) {
            versions.add(version(number));
        }
        return new DirectoryUpdate(versions);
    }

    DirectoryVersion version(long number) {
        SortedMap<String, Principal> added = new TreeMap<>();
        int adds = random.nextInt(4);
        for (int i = 0; i < adds; i++) {
            String name = user();
            added.put(name, principal(name));
        }
        SortedSet<String> revoked = new TreeSet<>();
        int revokes = number == 1 ? 0 : random.nextInt(3);
        for (int i = 0; i < revokes; i++) {
            revoked.add(user());
        }
        return new DirectoryVersion(number, bytes(DirectoryVersion.HASH_LENGTH), seq(0),
                number == 1 ? signingKeys.get(random.nextInt(signingKeys.size())) : null,
                number == 1 ? principal("server") : null, added, revoked, bytes(SigningPublicKey.SIGNATURE_LENGTH));
    }

    Principal principal(String name) {
        try {
            return new Principal(name, signingKeys.get(random.nextInt(signingKeys.size())),
                    AgreementPublicKey.of(bytes(AgreementPublicKey.LENGTH)));
        } catch (MalformedInputException e) {
            throw new IllegalStateException(e);
        }
    }

    private String other(String user) {
        String o = user();
        while (o.equals(user)) {
            o = user();
        }
        return o;
    }

    Comms comms() {
        return new Comms(channel(), seq(0), user(), seq(1), view(), bytes(12), bytes(16 + random.nextInt(300)),
                bytes(64), stamp());
    }

    ErrorMessage error() {
        ErrorCode[] codes = ErrorCode.values();
        return new ErrorMessage(codes[random.nextInt(codes.length)], text(),
                random.nextBoolean() ? channel() : null,
                random.nextBoolean() ? seq(0) : null,
                random.nextBoolean() ? seq(0) : null);
    }

    View view() {
        return new View(seq(0), bytes(32));
    }

    Stamp stamp() {
        return random.nextBoolean() ? null : new Stamp(seq(1), seq(0));
    }

    /** A sequence number or timestamp at least {@code min}: small, huge, or at the edge. */
    long seq(long min) {
        return switch (random.nextInt(5)) {
            case 0 -> min;
            case 1 -> MessageCodec.MAX_SEQ;
            case 2 -> min + random.nextInt(1000);
            default -> min + (random.nextLong() & Long.MAX_VALUE) % (MessageCodec.MAX_SEQ - min);
        };
    }

    String user() {
        return name(Names.MAX_USER);
    }

    String channel() {
        return name(Names.MAX_CHANNEL);
    }

    private String name(int max) {
        while (true) {
            int length = random.nextBoolean() ? max : 1 + random.nextInt(max);
            StringBuilder s = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                s.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
            }
            if (!s.toString().matches("\\.+")) {
                return s.toString();
            }
        }
    }

    String text() {
        int length = random.nextInt(40);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            if (random.nextInt(8) == 0) {
                s.appendCodePoint(0x10000 + random.nextInt(0x100000)); // a surrogate pair
            } else {
                s.append(TEXT_CHARS.charAt(random.nextInt(TEXT_CHARS.length())));
            }
        }
        return s.toString();
    }

    byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
