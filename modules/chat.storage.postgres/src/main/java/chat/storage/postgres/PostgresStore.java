package chat.storage.postgres;

import chat.storage.AppendCallback;
import chat.storage.ChannelState;
import chat.storage.ConflictException;
import chat.storage.EntryCursor;
import chat.storage.EntryKind;
import chat.storage.HistoryStore;
import chat.storage.RecoveredState;
import chat.storage.SharedStore;
import chat.storage.StorageException;
import chat.storage.StoreFormatException;
import chat.storage.StoreStats;
import chat.storage.StoreUnavailableException;
import chat.storage.StoredEntry;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.System.Logger.Level;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Channel history in PostgreSQL, for any number of servers at once (docs/storage.md,
 * "PostgreSQL"). Three tables: {@code chat_entries} (one row per entry, the same fields the
 * journal keeps), {@code chat_channels} (each channel's head and membership, the fold of
 * its entries) and {@code chat_users} (each user's last userSeq and stored bytes).
 *
 * <p><b>One order per channel.</b> {@link #commit} runs in one transaction that locks the
 * channel's row (an UPDATE or SELECT ... FOR UPDATE), appends only if the entry's seq
 * follows the head and its userSeq the author's last, and commits with
 * {@code synchronous_commit = on} before it returns. Two servers appending to one channel
 * at once: the second waits for the row, sees the new head and gets a
 * {@link ConflictException}. Commits of different channels run in parallel on the pool's
 * connections, and PostgreSQL flushes concurrent commits together.
 *
 * <p><b>Wake-ups.</b> Each commit sends {@code NOTIFY chat_entries, 'server:seq:channel'}
 * in its transaction (names and numbers only, never content); {@link #listen} hears the
 * other servers' and polls every channel's head now and then, so a lost notification only
 * delays.
 */
final class PostgresStore implements HistoryStore, SharedStore {

    private static final System.Logger LOG = System.getLogger("chat.storage");
    /** The schema this code writes; a database with a newer one is refused. */
    static final int SCHEMA_VERSION = 1;
    private static final long MIGRATION_LOCK = 0x63686174L; // "chat"
    private static final String CHANNEL = "chat_entries";
    private static final long POLL_MILLIS = 5_000;
    private static final int POOL_SIZE = 16;

    private final PgLocation location;
    private final HikariDataSource pool;
    private final PGSimpleDataSource direct;
    private final RecoveredState recovered;
    private final String serverId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final AtomicLong commits = new AtomicLong();
    private volatile boolean closed;
    private volatile Thread listener;

    private PostgresStore(PgLocation location, HikariDataSource pool, PGSimpleDataSource direct) throws StorageException {
        this.location = location;
        this.pool = pool;
        this.direct = direct;
        migrate();
        this.recovered = load();
    }

    static PostgresStore open(PgLocation location, char[] password) throws StorageException {
        PGSimpleDataSource ds = dataSource(location, password);
        HikariConfig config = new HikariConfig();
        config.setDataSource(ds);
        config.setPoolName("chat-store");
        config.setMaximumPoolSize(POOL_SIZE);
        config.setAutoCommit(false);
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(1); // the first connection is tried at once: a bad URL fails start-up
        config.setConnectionInitSql("SET synchronous_commit = on"); // durable means committed to disk, whatever the default
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw unavailable(location, e);
        }
        try {
            return new PostgresStore(location, pool, ds);
        } catch (StorageException | RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * For {@code chat server --check}: logs in and reads the schema version, creating and
     * changing nothing.
     *
     * @return where the database is and which schema version it holds, if any
     * @throws StorageException the database cannot be reached, or holds a newer schema
     */
    static String check(PgLocation location, char[] password) throws StorageException {
        try (Connection c = dataSource(location, password).getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT to_regclass('chat_schema') IS NOT NULL")) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    return location + ": reachable, no chat schema yet (the server creates it at start)";
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT max(version) FROM chat_schema")) {
                int version = rs.next() ? rs.getInt(1) : 0;
                if (version > SCHEMA_VERSION) {
                    throw new StoreFormatException(location + " holds chat schema version " + version
                            + ", newer than this server's " + SCHEMA_VERSION + ": run a newer chat server");
                }
                return location + ": reachable, chat schema version " + version;
            }
        } catch (SQLException e) {
            throw unavailable(location, e);
        }
    }

    private static PGSimpleDataSource dataSource(PgLocation location, char[] password) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {location.host()});
        ds.setPortNumbers(new int[] {location.port()});
        ds.setDatabaseName(location.database());
        ds.setUser(location.user());
        if (password != null) {
            ds.setPassword(new String(password));
        }
        ds.setApplicationName("chat-server");
        ds.setTcpKeepAlive(true);
        ds.setConnectTimeout(5);
        return ds;
    }

    /** One sentence for what went wrong reaching the database. */
    static StoreUnavailableException unavailable(PgLocation location, Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof SQLException)) {
            cause = cause.getCause();
        }
        String state = cause instanceof SQLException sql ? sql.getSQLState() : null;
        String why;
        if ("28P01".equals(state) || "28000".equals(state)) {
            why = "PostgreSQL refused the login of user " + location.user()
                    + " (wrong or missing password? set PGPASSWORD or --store-password-file)";
        } else if ("3D000".equals(state)) {
            why = "database " + location.database() + " does not exist (create it: createdb -h " + location.host()
                    + " -p " + location.port() + " -U " + location.user() + " " + location.database() + ")";
        } else if ("08001".equals(state) || "08004".equals(state) || cause instanceof java.net.ConnectException) {
            why = "cannot connect to PostgreSQL at " + location.host() + ":" + location.port() + " (is it running there?)";
        } else {
            why = "PostgreSQL failed: " + cause.getMessage();
        }
        return new StoreUnavailableException(location + ": " + why, e);
    }

    private StoreUnavailableException failed(String what, SQLException e) {
        return unavailable(location, new SQLException(what + ": " + e.getMessage(), e.getSQLState(), e));
    }

    // ---- schema ----

    private void migrate() throws StorageException {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            // Two servers starting at once on an empty database: one creates, the other waits.
            st.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
            st.execute("CREATE TABLE IF NOT EXISTS chat_schema (version integer NOT NULL)");
            Integer version = null;
            try (ResultSet rs = st.executeQuery("SELECT max(version) FROM chat_schema")) {
                if (rs.next()) {
                    int v = rs.getInt(1);
                    version = rs.wasNull() ? null : v;
                }
            }
            if (version != null && version > SCHEMA_VERSION) {
                c.rollback();
                throw new StoreFormatException(location + " holds chat schema version " + version
                        + ", newer than this server's " + SCHEMA_VERSION + ": run a newer chat server");
            }
            if (version == null) {
                st.execute("""
                        CREATE TABLE chat_channels (
                            name text PRIMARY KEY,
                            head_seq bigint NOT NULL,
                            head_hash bytea NOT NULL,
                            members text[] NOT NULL,
                            admins text[] NOT NULL,
                            epoch bigint NOT NULL,
                            rotation_pending boolean NOT NULL,
                            departed_users text[] NOT NULL,
                            departed_seqs bigint[] NOT NULL)""");
                st.execute("""
                        CREATE TABLE chat_entries (
                            channel text NOT NULL,
                            seq bigint NOT NULL,
                            ts bigint NOT NULL,
                            kind smallint NOT NULL,
                            actor text NOT NULL,
                            subject text,
                            user_seq bigint NOT NULL,
                            head bytea NOT NULL,
                            payload bytea NOT NULL,
                            PRIMARY KEY (channel, seq))""");
                st.execute("""
                        CREATE TABLE chat_users (
                            name text PRIMARY KEY,
                            last_user_seq bigint NOT NULL,
                            stored_bytes bigint NOT NULL)""");
                // A message, the common case, in one statement and so one round trip (autocommit):
                // the head moves only from the seq before it, the author's userSeq only upwards,
                // or the whole call fails with CH001/CH002 and changes nothing.
                st.execute("""
                        CREATE FUNCTION chat_append_message(p_channel text, p_seq bigint, p_ts bigint, p_actor text,
                                p_user_seq bigint, p_head bytea, p_payload bytea, p_note text) RETURNS void
                        LANGUAGE plpgsql AS $$
                        BEGIN
                            UPDATE chat_channels SET head_seq = p_seq, head_hash = p_head
                                WHERE name = p_channel AND head_seq = p_seq - 1;
                            IF NOT FOUND THEN
                                RAISE EXCEPTION USING ERRCODE = 'CH001',
                                    MESSAGE = 'channel ' || p_channel || ' has moved past ' || (p_seq - 1);
                            END IF;
                            INSERT INTO chat_entries (channel, seq, ts, kind, actor, subject, user_seq, head, payload)
                                VALUES (p_channel, p_seq, p_ts, 3, p_actor, NULL, p_user_seq, p_head, p_payload);
                            INSERT INTO chat_users AS u (name, last_user_seq, stored_bytes)
                                VALUES (p_actor, p_user_seq, octet_length(p_payload))
                                ON CONFLICT (name) DO UPDATE SET last_user_seq = EXCLUDED.last_user_seq,
                                    stored_bytes = u.stored_bytes + EXCLUDED.stored_bytes
                                WHERE u.last_user_seq < EXCLUDED.last_user_seq;
                            IF NOT FOUND THEN
                                RAISE EXCEPTION USING ERRCODE = 'CH002',
                                    MESSAGE = p_actor || '''s userSeq ' || p_user_seq || ' was taken on another server';
                            END IF;
                            PERFORM pg_notify('chat_entries', p_note);
                        END $$""");
                st.execute("INSERT INTO chat_schema (version) VALUES (" + SCHEMA_VERSION + ")");
                LOG.log(Level.INFO, "created the chat schema (version {0}) in {1}", SCHEMA_VERSION, location);
            }
            c.commit();
        } catch (SQLException e) {
            throw failed("creating the schema", e);
        }
    }

    private RecoveredState load() throws StorageException {
        Map<String, ChannelState> channels = new HashMap<>();
        Map<String, Long> lastUserSeq = new HashMap<>();
        Map<String, Long> storedBytes = new HashMap<>();
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT name, head_seq, head_hash, members, admins, epoch, rotation_pending,"
                    + " departed_users, departed_seqs FROM chat_channels")) {
                while (rs.next()) {
                    ChannelState s = channelState(rs);
                    channels.put(s.name(), s);
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT name, last_user_seq, stored_bytes FROM chat_users")) {
                while (rs.next()) {
                    lastUserSeq.put(rs.getString(1), rs.getLong(2));
                    storedBytes.put(rs.getString(1), rs.getLong(3));
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw failed("reading the channels", e);
        }
        return new RecoveredState(channels, lastUserSeq, storedBytes);
    }

    private static ChannelState channelState(ResultSet rs) throws SQLException {
        String[] departedUsers = (String[]) rs.getArray(8).getArray();
        Long[] departedSeqs = (Long[]) rs.getArray(9).getArray();
        Map<String, Long> departed = new HashMap<>();
        for (int i = 0; i < departedUsers.length; i++) {
            departed.put(departedUsers[i], departedSeqs[i]);
        }
        return new ChannelState(rs.getString(1), rs.getLong(2), rs.getBytes(3),
                List.of((String[]) rs.getArray(4).getArray()), List.of((String[]) rs.getArray(5).getArray()),
                rs.getLong(6), rs.getBoolean(7), departed);
    }

    // ---- HistoryStore ----

    @Override
    public RecoveredState recoveredState() {
        return recovered;
    }

    @Override
    public String describe() {
        return location.toString();
    }

    /** Commits at once and then calls back; for callers that do not know the store is shared. */
    @Override
    public void append(StoredEntry entry, AppendCallback callback) {
        try {
            commit(entry);
        } catch (ConflictException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (StorageException e) {
            callback.failed(entry, e);
            return;
        }
        callback.durable(entry);
    }

    @Override
    public long durableHead(String channel) {
        try {
            return queryOne("SELECT head_seq FROM chat_channels WHERE name = ?", 0L, rs -> rs.getLong(1), channel);
        } catch (SQLException e) {
            throw unchecked("reading a head", e);
        }
    }

    /** One value of the first row of a query with parameters, or {@code absent} if it has no row. */
    private <T> T queryOne(String sql, T absent, Column<T> column, Object... parameters) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                T value = rs.next() ? column.read(rs) : absent;
                c.commit();
                return value;
            }
        }
    }

    @FunctionalInterface
    private interface Column<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** For the journal's unchecked reads: the database's failure in our words, as an I/O failure. */
    private java.io.UncheckedIOException unchecked(String what, SQLException e) {
        return new java.io.UncheckedIOException(new java.io.IOException(failed(what, e).getMessage(), e));
    }

    @Override
    public StoreStats stats() {
        long n = commits.get();
        return new StoreStats(n, n, 0, closed);
    }

    @Override
    public EntryCursor read(String channel, long afterSeq, long toSeqInclusive) {
        if (afterSeq < 0) {
            throw new IllegalArgumentException("afterSeq " + afterSeq + " is negative");
        }
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
        return new PagedCursor(channel, afterSeq, toSeqInclusive);
    }

    @Override
    public byte[] headAt(String channel, long seq) {
        try {
            return queryOne("SELECT head FROM chat_entries WHERE channel = ? AND seq = ?", null, rs -> rs.getBytes(1),
                    channel, seq);
        } catch (SQLException e) {
            throw unchecked("reading a head", e);
        }
    }

    @Override
    public SharedStore shared() {
        return this;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Thread t = listener;
        if (t != null) {
            t.interrupt();
            try {
                t.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        pool.close();
    }

    // ---- SharedStore ----

    @Override
    public void commit(StoredEntry e) throws ConflictException, StorageException {
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
        if (e.kind() == EntryKind.MESSAGE) {
            commitMessage(e);
            return;
        }
        try (Connection c = pool.getConnection()) {
            try {
                appendIn(c, e);
                c.commit();
                commits.incrementAndGet();
            } catch (ConflictException | SQLException | RuntimeException x) {
                c.rollback();
                throw x;
            }
        } catch (SQLException x) {
            if ("23505".equals(x.getSQLState())) { // unique violation: the same seq written meanwhile
                throw new ConflictException("channel " + e.channel() + " entry " + e.seq() + " exists already");
            }
            throw failed("appending " + e, x);
        }
    }

    private void commitMessage(StoredEntry e) throws ConflictException, StorageException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(true); // the call is its own transaction: one round trip (the pool resets it)
            try (PreparedStatement ps = c.prepareStatement("SELECT chat_append_message(?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, e.channel());
                ps.setLong(2, e.seq());
                ps.setLong(3, e.timestamp());
                ps.setString(4, e.actor());
                ps.setLong(5, e.userSeq());
                ps.setBytes(6, e.head());
                ps.setBytes(7, e.payload());
                ps.setString(8, serverId + ":" + e.seq() + ":" + e.channel());
                ps.execute();
            }
            commits.incrementAndGet();
        } catch (SQLException x) {
            String state = x.getSQLState();
            if ("CH001".equals(state) || "CH002".equals(state) || "23505".equals(state)) {
                String message = x.getMessage();
                throw new ConflictException(message.startsWith("ERROR: ") ? message.substring(7) : message);
            }
            throw failed("appending " + e, x);
        }
    }

    private void appendIn(Connection c, StoredEntry e) throws SQLException, ConflictException {
        if (e.kind() == EntryKind.CREATE) {
            ChannelState s = ChannelState.created(e.channel(), e.head(), e.actor());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO chat_channels (name, head_seq, head_hash, members,"
                    + " admins, epoch, rotation_pending, departed_users, departed_seqs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (name) DO NOTHING")) {
                ps.setString(1, s.name());
                setState(c, ps, 2, s);
                if (ps.executeUpdate() == 0) {
                    throw new ConflictException("channel " + e.channel() + " was created by another server");
                }
            }
        } else if (e.kind() == EntryKind.MESSAGE) {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE chat_channels SET head_seq = ?, head_hash = ? WHERE name = ? AND head_seq = ?")) {
                ps.setLong(1, e.seq());
                ps.setBytes(2, e.head());
                ps.setString(3, e.channel());
                ps.setLong(4, e.seq() - 1);
                if (ps.executeUpdate() == 0) {
                    throw new ConflictException("channel " + e.channel() + " has moved past " + (e.seq() - 1));
                }
            }
        } else {
            ChannelState before;
            try (PreparedStatement ps = c.prepareStatement("SELECT name, head_seq, head_hash, members, admins, epoch,"
                    + " rotation_pending, departed_users, departed_seqs FROM chat_channels WHERE name = ? FOR UPDATE")) {
                ps.setString(1, e.channel());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new ConflictException("channel " + e.channel() + " does not exist in the database");
                    }
                    before = channelState(rs);
                }
            }
            if (before.headSeq() != e.seq() - 1) {
                throw new ConflictException("channel " + e.channel() + " is at " + before.headSeq() + ", not "
                        + (e.seq() - 1));
            }
            ChannelState after = before.after(e);
            try (PreparedStatement ps = c.prepareStatement("UPDATE chat_channels SET head_seq = ?, head_hash = ?,"
                    + " members = ?, admins = ?, epoch = ?, rotation_pending = ?, departed_users = ?, departed_seqs = ?"
                    + " WHERE name = ?")) {
                setState(c, ps, 1, after);
                ps.setString(9, e.channel());
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO chat_entries (channel, seq, ts, kind, actor, subject,"
                + " user_seq, head, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, e.channel());
            ps.setLong(2, e.seq());
            ps.setLong(3, e.timestamp());
            ps.setShort(4, (short) e.kind().code());
            ps.setString(5, e.actor());
            ps.setString(6, e.subject());
            ps.setLong(7, e.userSeq());
            ps.setBytes(8, e.head());
            ps.setBytes(9, e.payload());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO chat_users (name, last_user_seq, stored_bytes)"
                + " VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET last_user_seq = EXCLUDED.last_user_seq,"
                + " stored_bytes = chat_users.stored_bytes + EXCLUDED.stored_bytes"
                + " WHERE chat_users.last_user_seq < EXCLUDED.last_user_seq")) {
            ps.setString(1, e.actor());
            ps.setLong(2, e.userSeq());
            ps.setLong(3, e.payload().length);
            if (ps.executeUpdate() == 0) {
                throw new ConflictException(e.actor() + "'s userSeq " + e.userSeq() + " was taken on another server");
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, CHANNEL);
            ps.setString(2, serverId + ":" + e.seq() + ":" + e.channel());
            ps.execute();
        }
    }

    private static void setState(Connection c, PreparedStatement ps, int from, ChannelState s) throws SQLException {
        ps.setLong(from, s.headSeq());
        ps.setBytes(from + 1, s.headHash());
        ps.setArray(from + 2, c.createArrayOf("text", s.members().toArray()));
        ps.setArray(from + 3, c.createArrayOf("text", s.admins().toArray()));
        ps.setLong(from + 4, s.epoch());
        ps.setBoolean(from + 5, s.rotationPending());
        List<String> users = new ArrayList<>(s.departed().keySet());
        Long[] seqs = users.stream().map(s.departed()::get).toArray(Long[]::new);
        ps.setArray(from + 6, c.createArrayOf("text", users.toArray()));
        Array seqArray = c.createArrayOf("bigint", seqs);
        ps.setArray(from + 7, seqArray);
    }

    @Override
    public Map<String, Long> heads() throws StorageException {
        Map<String, Long> heads = new HashMap<>();
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name, head_seq FROM chat_channels")) {
            while (rs.next()) {
                heads.put(rs.getString(1), rs.getLong(2));
            }
            c.commit();
        } catch (SQLException e) {
            throw failed("reading the channel heads", e);
        }
        return heads;
    }

    @Override
    public long lastUserSeq(String user) throws StorageException {
        try {
            return queryOne("SELECT last_user_seq FROM chat_users WHERE name = ?", 0L, rs -> rs.getLong(1), user);
        } catch (SQLException e) {
            throw failed("reading " + user + "'s userSeq", e);
        }
    }

    @Override
    public void listen(BiConsumer<String, Long> changed) {
        Thread t = Thread.ofPlatform().daemon().name("chat-store-listener").unstarted(() -> listenLoop(changed));
        listener = t;
        t.start();
    }

    private void listenLoop(BiConsumer<String, Long> changed) {
        boolean warned = false;
        while (!closed) {
            try (Connection c = direct.getConnection()) {
                c.setAutoCommit(true);
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                if (warned) {
                    LOG.log(Level.INFO, "listening to {0} again", location);
                    warned = false;
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                long nextPoll = 0;
                while (!closed) {
                    if (System.currentTimeMillis() >= nextPoll) { // also right after (re)connecting
                        heads().forEach(changed);
                        nextPoll = System.currentTimeMillis() + POLL_MILLIS;
                    }
                    PGNotification[] notes = pg.getNotifications(1000);
                    if (notes == null) {
                        continue;
                    }
                    for (PGNotification n : notes) {
                        String[] parts = n.getParameter().split(":", 3);
                        if (parts.length == 3 && !parts[0].equals(serverId)) {
                            changed.accept(parts[2], Long.parseLong(parts[1]));
                        }
                    }
                }
            } catch (SQLException | StorageException | RuntimeException e) {
                if (closed) {
                    return;
                }
                if (!warned) {
                    LOG.log(Level.WARNING, "lost the wake-ups from {0}, retrying every second: {1}", location,
                            e.getMessage());
                    warned = true;
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /**
     * Reads a channel's entries in pages of a few MiB, each page one short query: a long
     * replay holds no connection and no snapshot between pages.
     */
    private final class PagedCursor implements EntryCursor {
        private static final long PAGE_BYTES = 4L << 20;
        private final String channel;
        private final long to;
        private long after;
        private int limit = 64;
        private final java.util.ArrayDeque<StoredEntry> page = new java.util.ArrayDeque<>();
        private boolean exhausted;

        PagedCursor(String channel, long after, long to) {
            this.channel = channel;
            this.after = after;
            this.to = to;
        }

        @Override
        public boolean hasNext() {
            if (page.isEmpty() && !exhausted) {
                fetch();
            }
            return !page.isEmpty();
        }

        @Override
        public StoredEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return page.removeFirst();
        }

        private void fetch() {
            if (after >= to) {
                exhausted = true;
                return;
            }
            long bytes = 0;
            try (Connection c = pool.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT seq, ts, kind, actor, subject, user_seq, head, payload"
                         + " FROM chat_entries WHERE channel = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?")) {
                ps.setString(1, channel);
                ps.setLong(2, after);
                ps.setLong(3, to);
                ps.setInt(4, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        StoredEntry e = new StoredEntry(channel, rs.getLong(1), rs.getLong(2),
                                EntryKind.ofCode(rs.getShort(3)), rs.getString(4), rs.getString(5), rs.getLong(6),
                                rs.getBytes(7), rs.getBytes(8));
                        bytes += e.payload().length;
                        page.addLast(e);
                        after = e.seq();
                    }
                }
                c.commit();
            } catch (SQLException e) {
                throw unchecked("reading channel " + channel, e);
            }
            if (page.size() < limit) {
                exhausted = true;
            }
            long perEntry = page.isEmpty() ? 1 : Math.max(1, bytes / page.size());
            limit = (int) Math.clamp(PAGE_BYTES / perEntry, 16, 2048);
        }

        @Override
        public void close() {
            page.clear();
            exhausted = true;
        }
    }
}
