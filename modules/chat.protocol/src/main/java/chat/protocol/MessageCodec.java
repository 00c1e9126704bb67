package chat.protocol;

import chat.crypto.AgreementPublicKey;
import chat.crypto.SigningPublicKey;
import chat.protocol.json.Jcs;
import chat.protocol.json.JsonException;
import chat.protocol.json.JsonParser;
import chat.protocol.json.JsonValue;
import chat.protocol.json.ObjectBuilder;
import chat.protocol.json.ObjectReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The one codec between {@link Message} values and frame payloads. Encoding always
 * produces RFC 8785 canonical JSON, so the bytes on the wire are the bytes that are
 * hashed. Decoding is strict: unknown types and unknown fields are refused, every missing
 * or mistyped field is named, binary fields must have their exact lengths.
 */
public final class MessageCodec {

    public static final int NONCE_LENGTH = 32;
    public static final int HASH_LENGTH = 32;
    public static final int GCM_NONCE_LENGTH = 12;
    public static final long MAX_SEQ = JsonValue.MAX_SAFE_INTEGER;
    /** A wrapped channel key: 32 key bytes and the 16-byte ChaCha20-Poly1305 tag. */
    public static final int WRAPPED_KEY_LENGTH = 32 + 16;

    private static final Set<String> INIT_CONN = Set.of("type", "version", "userID", "nonce", "ephemeralKey", "signature");
    private static final Set<String> INIT_KEY = Set.of("type", "version", "nonce", "ephemeralKey", "signature");
    private static final Set<String> INIT_CONFIRM = Set.of("type", "signature");
    private static final Set<String> SYNC = Set.of("type", "cursors");
    private static final Set<String> REPLAY_FINISHED = Set.of("type", "userSeq", "heads");
    private static final Set<String> HEAD = Set.of("seq", "head");
    private static final Set<String> ADD_USER = Set.of("type", "channelID", "epoch", "inviter", "invitee", "userSeq",
            "viewSeq", "viewHead", "channelkey", "keyCommitment", "signature", "channelSeq", "timestamp");
    private static final Set<String> CHANNEL_KEY = Set.of("enc", "ct");
    private static final Set<String> COMMS = Set.of("type", "channelID", "epoch", "userID", "userSeq",
            "viewSeq", "viewHead", "msg", "signature", "channelSeq", "timestamp");
    private static final Set<String> MSG = Set.of("nonce", "ct");
    private static final Set<String> MEMBER = Set.of("type", "channelID", "epoch", "userID", "subject", "change",
            "userSeq", "viewSeq", "viewHead", "signature", "channelSeq", "timestamp");
    private static final Set<String> ROTATE = Set.of("type", "channelID", "epoch", "userID", "userSeq",
            "viewSeq", "viewHead", "keys", "keyCommitment", "previousKey", "signature", "channelSeq", "timestamp");
    private static final Set<String> ERROR = Set.of("type", "code", "message", "channelID", "userSeq", "lastUserSeq");
    private static final Set<String> EMPTY = Set.of("type");
    private static final Set<String> EXPIRED = Set.of("type", "channelID", "fromSeq", "toSeq", "head", "timestamp");
    private static final Set<String> DIRECTORY_GET = Set.of("type", "number");
    private static final Set<String> DIRECTORY = Set.of("type", "versions");
    private static final Set<String> PRESENCE = Set.of("type", "user", "online");

    private final JsonParser parser;

    public MessageCodec(ProtocolLimits limits) {
        this.parser = new JsonParser(limits.json());
    }

    public MessageCodec() {
        this(ProtocolLimits.DEFAULT);
    }

    // ---------------------------------------------------------------- encoding

    public byte[] encode(Message message) {
        return Jcs.canonical(toJson(message));
    }

    /** The message as a JSON object: what is canonicalised for the wire, for hashes and (minus some fields) for signatures. */
    public static JsonValue.JsonObject toJson(Message message) {
        ObjectBuilder b = ObjectBuilder.create().put("type", message.type());
        switch (message) {
            case InitConn m -> b.put("version", m.version()).put("userID", m.userID()).put("nonce", m.nonce())
                    .put("ephemeralKey", m.ephemeralKey()).put("signature", m.signature());
            case InitKey m -> b.put("version", m.version()).put("nonce", m.nonce())
                    .put("ephemeralKey", m.ephemeralKey()).put("signature", m.signature());
            case InitConfirm m -> b.put("signature", m.signature());
            case Sync m -> {
                ObjectBuilder cursors = ObjectBuilder.create();
                m.cursors().forEach(cursors::put);
                b.put("cursors", cursors);
            }
            case ReplayFinished m -> {
                ObjectBuilder heads = ObjectBuilder.create();
                m.heads().forEach((channel, head) -> heads.put(channel,
                        ObjectBuilder.create().put("seq", head.seq()).put("head", head.head())));
                b.put("userSeq", m.userSeq()).put("heads", heads);
            }
            case ChannelEntry m -> {
                body(b, m);
                b.put("signature", m.signature());
                stamp(b, m.stamp());
            }
            case ErrorMessage m -> b.put("code", m.code().wireName()).put("message", m.message())
                    .put("channelID", m.channelID()).put("userSeq", m.userSeq()).put("lastUserSeq", m.lastUserSeq());
            case Ping m -> {
            }
            case Pong m -> {
            }
            case DirectoryGet m -> b.put("number", m.number());
            case Expired m -> b.put("channelID", m.channelID()).put("fromSeq", m.fromSeq()).put("toSeq", m.toSeq())
                    .put("head", m.head()).put("timestamp", m.timestamp());
            case DirectoryUpdate m -> {
                java.util.List<JsonValue> versions = new java.util.ArrayList<>();
                m.versions().forEach(v -> versions.add(v.toJson()));
                b.put("versions", new JsonValue.JsonArray(versions));
            }
            case PresenceWatch m -> {
            }
            case Presence m -> b.put("user", m.user()).put("online", m.online());
        }
        return b.build();
    }

    /** The fields of an entry that its signature covers: everything its author chose. */
    static ObjectBuilder body(ObjectBuilder b, ChannelEntry entry) {
        return switch (entry) {
            case AddUser m -> addUserBody(b, m);
            case Comms m -> commsBody(b, m);
            case MemberChange m -> memberBody(b, m);
            case Rotate m -> rotateBody(b, m);
        };
    }

    /** The fields of addUser that its signature covers (everything the inviter chose). */
    private static ObjectBuilder addUserBody(ObjectBuilder b, AddUser m) {
        return b.put("channelID", m.channelID()).put("epoch", m.epoch()).put("inviter", m.inviter())
                .put("invitee", m.invitee()).put("userSeq", m.userSeq())
                .put("viewSeq", m.view().seq()).put("viewHead", m.view().head())
                .put("channelkey", ObjectBuilder.create().put("enc", m.enc()).put("ct", m.wrappedKey()))
                .put("keyCommitment", m.keyCommitment());
    }

    private static ObjectBuilder memberBody(ObjectBuilder b, MemberChange m) {
        return b.put("channelID", m.channelID()).put("epoch", m.epoch()).put("userID", m.userID())
                .put("subject", m.subject()).put("change", m.change().wireName())
                .put("userSeq", m.userSeq()).put("viewSeq", m.view().seq()).put("viewHead", m.view().head());
    }

    private static ObjectBuilder rotateBody(ObjectBuilder b, Rotate m) {
        ObjectBuilder keys = ObjectBuilder.create();
        m.keys().forEach((user, key) -> keys.put(user, ObjectBuilder.create().put("enc", key.enc()).put("ct", key.ct())));
        return b.put("channelID", m.channelID()).put("epoch", m.epoch()).put("userID", m.userID())
                .put("userSeq", m.userSeq()).put("viewSeq", m.view().seq()).put("viewHead", m.view().head())
                .put("keys", keys).put("keyCommitment", m.keyCommitment())
                .put("previousKey", ObjectBuilder.create().put("nonce", m.previousNonce()).put("ct", m.previousKey()));
    }

    /** The fields of comms that its signature covers (everything the sender chose). */
    private static ObjectBuilder commsBody(ObjectBuilder b, Comms m) {
        return b.put("channelID", m.channelID()).put("epoch", m.epoch()).put("userID", m.userID())
                .put("userSeq", m.userSeq()).put("viewSeq", m.view().seq()).put("viewHead", m.view().head())
                .put("msg", ObjectBuilder.create().put("nonce", m.nonce()).put("ct", m.ct()));
    }

    private static void stamp(ObjectBuilder b, Stamp stamp) {
        if (stamp != null) {
            b.put("channelSeq", stamp.channelSeq()).put("timestamp", stamp.timestamp());
        }
    }

    // ---------------------------------------------------------------- decoding

    public Message decode(byte[] payload) throws ProtocolException {
        return decode(payload, 0, payload.length);
    }

    public Message decode(byte[] payload, int offset, int length) throws ProtocolException {
        JsonValue.JsonObject root;
        try {
            root = parser.parseObject(payload, offset, length);
        } catch (JsonException e) {
            throw new ProtocolException(e.isLimit() ? ErrorCode.LIMIT_EXCEEDED : ErrorCode.BAD_MESSAGE, e.getMessage());
        }
        return decode(root);
    }

    public static Message decode(JsonValue.JsonObject root) throws ProtocolException {
        String type;
        try {
            type = ObjectReader.of(root, "message").string("type");
        } catch (JsonException e) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, e.getMessage());
        }
        try {
            ObjectReader r = ObjectReader.of(root, type);
            return switch (type) {
                case InitConn.TYPE -> initConn(r.only(INIT_CONN));
                case InitKey.TYPE -> initKey(r.only(INIT_KEY));
                case InitConfirm.TYPE -> new InitConfirm(r.only(INIT_CONFIRM).bytes("signature", SigningPublicKey.SIGNATURE_LENGTH));
                case Sync.TYPE -> sync(r.only(SYNC));
                case ReplayFinished.TYPE -> replayFinished(r.only(REPLAY_FINISHED));
                case AddUser.TYPE -> addUser(r.only(ADD_USER));
                case Comms.TYPE -> comms(r.only(COMMS));
                case MemberChange.TYPE -> member(r.only(MEMBER));
                case Rotate.TYPE -> rotate(r.only(ROTATE));
                case ErrorMessage.TYPE -> error(r.only(ERROR));
                case Ping.TYPE -> {
                    r.only(EMPTY);
                    yield new Ping();
                }
                case Pong.TYPE -> {
                    r.only(EMPTY);
                    yield new Pong();
                }
                case DirectoryGet.TYPE -> new DirectoryGet(r.only(DIRECTORY_GET).integer("number", 0, MAX_SEQ));
                case DirectoryUpdate.TYPE -> directory(r.only(DIRECTORY));
                case Expired.TYPE -> expired(r.only(EXPIRED));
                case PresenceWatch.TYPE -> {
                    r.only(EMPTY);
                    yield new PresenceWatch();
                }
                case Presence.TYPE -> {
                    r.only(PRESENCE);
                    yield new Presence(user(r, "user"), r.bool("online"));
                }
                default -> throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown message type '" + type + "'");
            };
        } catch (JsonException e) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, e.getMessage());
        }
    }

    private static InitConn initConn(ObjectReader r) throws JsonException {
        return new InitConn((int) r.integer("version", 0, Integer.MAX_VALUE), user(r, "userID"),
                r.bytes("nonce", NONCE_LENGTH), r.bytes("ephemeralKey", AgreementPublicKey.LENGTH),
                r.bytes("signature", SigningPublicKey.SIGNATURE_LENGTH));
    }

    private static InitKey initKey(ObjectReader r) throws JsonException {
        return new InitKey((int) r.integer("version", 0, Integer.MAX_VALUE), r.bytes("nonce", NONCE_LENGTH),
                r.bytes("ephemeralKey", AgreementPublicKey.LENGTH), r.bytes("signature", SigningPublicKey.SIGNATURE_LENGTH));
    }

    private static Sync sync(ObjectReader r) throws JsonException {
        Map<String, Long> cursors = r.integerMap("cursors", 0, MAX_SEQ);
        for (String channel : cursors.keySet()) {
            requireChannel(channel, "cursors");
        }
        return new Sync(cursors);
    }

    private static ReplayFinished replayFinished(ObjectReader r) throws JsonException {
        ObjectReader heads = r.object("heads");
        Map<String, ChannelHead> out = new LinkedHashMap<>();
        for (String channel : heads.names()) {
            requireChannel(channel, "heads");
            ObjectReader h = heads.object(channel).only(HEAD);
            out.put(channel, new ChannelHead(h.integer("seq", 0, MAX_SEQ), h.bytes("head", HASH_LENGTH)));
        }
        return new ReplayFinished(r.integer("userSeq", 0, MAX_SEQ), out);
    }

    private static Expired expired(ObjectReader r) throws JsonException {
        String channel = channel(r);
        long from = r.integer("fromSeq", 2, MAX_SEQ);
        long to = r.integer("toSeq", 2, MAX_SEQ);
        if (to < from) {
            throw new JsonException(r.context() + ": 'toSeq' " + to + " is before 'fromSeq' " + from, false);
        }
        return new Expired(channel, from, to, r.bytes("head", HASH_LENGTH), r.integer("timestamp", 0, MAX_SEQ));
    }

    private static AddUser addUser(ObjectReader r) throws JsonException {
        ObjectReader key = r.object("channelkey").only(CHANNEL_KEY);
        return new AddUser(channel(r), r.integer("epoch", 0, MAX_SEQ), user(r, "inviter"), user(r, "invitee"),
                r.integer("userSeq", 1, MAX_SEQ), view(r), key.bytes("enc", AgreementPublicKey.LENGTH),
                key.bytes("ct", WRAPPED_KEY_LENGTH), r.bytes("keyCommitment", HASH_LENGTH),
                r.bytes("signature", SigningPublicKey.SIGNATURE_LENGTH), stamp(r));
    }

    private static MemberChange member(ObjectReader r) throws JsonException {
        String wire = r.string("change");
        MemberChange.Change change = MemberChange.Change.fromWire(wire);
        if (change == null) {
            throw new JsonException("member: field 'change' must be leave, remove or admin, not '" + wire + "'", false);
        }
        String userID = user(r, "userID");
        String subject = user(r, "subject");
        if ((change == MemberChange.Change.LEAVE) != userID.equals(subject)) {
            throw new JsonException(change == MemberChange.Change.LEAVE
                    ? "member: a leave names its author as subject"
                    : "member: a " + wire + " names another member as subject (to leave, use change 'leave')", false);
        }
        return new MemberChange(channel(r), r.integer("epoch", 0, MAX_SEQ), userID, subject, change,
                r.integer("userSeq", 1, MAX_SEQ), view(r), r.bytes("signature", SigningPublicKey.SIGNATURE_LENGTH), stamp(r));
    }

    private static Rotate rotate(ObjectReader r) throws JsonException {
        ObjectReader keys = r.object("keys");
        SortedMap<String, Rotate.WrappedKey> wrapped = new TreeMap<>();
        for (String user : keys.names()) {
            if (!Names.isValidUser(user)) {
                throw new JsonException("rotate.keys: '" + user + "': " + Names.userProblem(user), false);
            }
            ObjectReader key = keys.object(user).only(CHANNEL_KEY);
            wrapped.put(user, new Rotate.WrappedKey(key.bytes("enc", AgreementPublicKey.LENGTH),
                    key.bytes("ct", WRAPPED_KEY_LENGTH)));
        }
        if (wrapped.isEmpty()) {
            throw new JsonException("rotate: field 'keys' names no member", false);
        }
        ObjectReader previous = r.object("previousKey").only(MSG);
        return new Rotate(channel(r), r.integer("epoch", 1, MAX_SEQ), user(r, "userID"), r.integer("userSeq", 1, MAX_SEQ),
                view(r), wrapped, r.bytes("keyCommitment", HASH_LENGTH), previous.bytes("nonce", GCM_NONCE_LENGTH),
                previous.bytes("ct", WRAPPED_KEY_LENGTH), r.bytes("signature", SigningPublicKey.SIGNATURE_LENGTH), stamp(r));
    }

    private static Comms comms(ObjectReader r) throws JsonException {
        ObjectReader msg = r.object("msg").only(MSG);
        byte[] ct = msg.bytes("ct");
        if (ct.length < 16) {
            throw new JsonException("comms.msg: field 'ct' is shorter than its 16-byte tag", false);
        }
        return new Comms(channel(r), r.integer("epoch", 0, MAX_SEQ), user(r, "userID"), r.integer("userSeq", 1, MAX_SEQ),
                view(r), msg.bytes("nonce", GCM_NONCE_LENGTH), ct,
                r.bytes("signature", SigningPublicKey.SIGNATURE_LENGTH), stamp(r));
    }

    private static DirectoryUpdate directory(ObjectReader r) throws JsonException {
        java.util.List<chat.protocol.identity.DirectoryVersion> versions = new java.util.ArrayList<>();
        for (JsonValue v : r.array("versions").elements()) {
            if (!(v instanceof JsonValue.JsonObject o)) {
                throw new JsonException("directory: 'versions' holds directory version objects", false);
            }
            chat.protocol.identity.DirectoryVersion version = chat.protocol.identity.DirectoryVersion.fromJson(o);
            if (!versions.isEmpty() && version.number() != versions.get(versions.size() - 1).number() + 1) {
                throw new JsonException("directory: versions must be consecutive", false);
            }
            versions.add(version);
        }
        if (versions.isEmpty()) {
            throw new JsonException("directory: 'versions' is empty", false);
        }
        return new DirectoryUpdate(versions);
    }

    private static ErrorMessage error(ObjectReader r) throws JsonException {
        String wire = r.string("code");
        ErrorCode code = ErrorCode.fromWire(wire);
        if (code == null) {
            throw new JsonException("error: unknown code '" + wire + "'", false);
        }
        return new ErrorMessage(code, r.string("message"), r.optionalString("channelID"),
                r.optionalInteger("userSeq", 0, MAX_SEQ), r.optionalInteger("lastUserSeq", 0, MAX_SEQ));
    }

    private static View view(ObjectReader r) throws JsonException {
        return new View(r.integer("viewSeq", 0, MAX_SEQ), r.bytes("viewHead", HASH_LENGTH));
    }

    private static Stamp stamp(ObjectReader r) throws JsonException {
        boolean seq = r.has("channelSeq");
        if (seq != r.has("timestamp")) {
            throw new JsonException(r.context() + ": 'channelSeq' and 'timestamp' come together or not at all", false);
        }
        if (!seq) {
            return null;
        }
        return new Stamp(r.integer("channelSeq", 1, MAX_SEQ), r.integer("timestamp", 0, MAX_SEQ));
    }

    private static String user(ObjectReader r, String field) throws JsonException {
        String name = r.string(field);
        if (!Names.isValidUser(name)) {
            throw new JsonException(r.context() + ": field '" + field + "': " + Names.userProblem(name), false);
        }
        return name;
    }

    private static String channel(ObjectReader r) throws JsonException {
        String name = r.string("channelID");
        if (!Names.isValidChannel(name)) {
            throw new JsonException(r.context() + ": field 'channelID': " + Names.channelProblem(name), false);
        }
        return name;
    }

    private static void requireChannel(String name, String field) throws JsonException {
        if (!Names.isValidChannel(name)) {
            throw new JsonException("field '" + field + "': " + Names.channelProblem(name), false);
        }
    }
}
