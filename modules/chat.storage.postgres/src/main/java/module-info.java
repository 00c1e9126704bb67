/**
 * The history store for several servers: channel entries, channel state and users' userSeqs
 * in PostgreSQL, written through the official JDBC driver with a HikariCP pool; other
 * servers' commits wake this one through LISTEN/NOTIFY. Loaded by chat.server as a
 * {@link chat.storage.spi.StoreProvider} for {@code --store postgresql://...}
 * (docs/architecture.md, "Several servers").
 */
module chat.storage.postgres {
    requires chat.storage;
    requires java.sql;
    requires org.postgresql.jdbc;
    requires com.zaxxer.hikari;

    provides chat.storage.spi.StoreProvider with chat.storage.postgres.PostgresProvider;
}
