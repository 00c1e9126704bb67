package chat.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * One throwaway PostgreSQL cluster per test JVM, started by {@code scripts/pg-cluster} from
 * the machine's packages (initdb into a temp folder, as the user postgres when root, on a
 * free port) and stopped when the JVM exits. Each test takes a fresh database of its own.
 * Without PostgreSQL the tests that need it are skipped with the reason, unless
 * {@code -Dchat.postgres.required=true} (CI), which makes them fail instead.
 */
public final class PgCluster {

    public static final String PASSWORD = "chat-test-password";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PgCluster cluster;
    private static String unavailable;

    private final Path dir;
    private final int port;

    private PgCluster(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** The cluster, started on first use; skips (or, when required, fails) the calling test if it cannot start. */
    public static synchronized PgCluster get() {
        if (cluster == null && unavailable == null) {
            try {
                cluster = start();
            } catch (IOException | InterruptedException e) {
                unavailable = e.getMessage();
            }
        }
        if (cluster == null) {
            String why = "PostgreSQL tests skipped: " + unavailable;
            if (Boolean.getBoolean("chat.postgres.required")) {
                throw new IllegalStateException(why + " (and -Dchat.postgres.required=true)");
            }
            System.err.println(why);
            Assumptions.abort(why);
        }
        return cluster;
    }

    private static PgCluster start() throws IOException, InterruptedException {
        Path script = repo().resolve("scripts/pg-cluster");
        Path dir = Files.createTempDirectory("chat-pg-");
        Process p = new ProcessBuilder("bash", script.toString(), "start", dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(p.isAlive() ? "scripts/pg-cluster start timed out"
                    : p.exitValue() == 3 ? "no PostgreSQL on this machine (apt-get install postgresql)"
                    : "scripts/pg-cluster start failed with exit " + p.exitValue() + ": " + out);
        }
        int port = Integer.parseInt(Files.readString(dir.resolve("port")).trim());
        PgCluster c = new PgCluster(dir, port);
        Runtime.getRuntime().addShutdownHook(new Thread(c::stop));
        return c;
    }

    private void stop() {
        try {
            new ProcessBuilder("bash", repo().resolve("scripts/pg-cluster").toString(), "stop", dir.toString())
                    .inheritIO().start().waitFor(60, TimeUnit.SECONDS);
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        } catch (IOException | InterruptedException e) {
            System.err.println("cannot stop the PostgreSQL test cluster in " + dir + ": " + e);
        }
    }

    /** The repository: the folder above the working directory that holds scripts/pg-cluster. */
    static Path repo() {
        String explicit = System.getProperty("chat.repo");
        if (explicit != null && Files.exists(Path.of(explicit, "scripts/pg-cluster"))) {
            return Path.of(explicit);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("scripts/pg-cluster"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find scripts/pg-cluster above " + Path.of("").toAbsolutePath());
    }

    public int port() {
        return port;
    }

    /** A new, empty database; its {@code --store} URL. */
    public String newDatabase() {
        String name = "t" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        sql("chat", "CREATE DATABASE " + name);
        return url(name);
    }

    public String url(String database) {
        return "postgresql://chat@127.0.0.1:" + port + "/" + database;
    }

    /** Runs statements (autocommit) in {@code database} as the cluster's superuser. */
    public void sql(String database, String... statements) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "chat",
                PASSWORD); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(String.join("; ", List.of(statements)) + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the first row of a query. */
    public long queryLong(String database, String query) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "chat",
                PASSWORD); Statement st = c.createStatement(); var rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(query + ": " + e.getMessage(), e);
        }
    }

    /** A password file for --store-password-file, readable by its owner only. */
    public static Path passwordFile(Path dir) throws IOException {
        Path file = dir.resolve("db-password");
        Files.writeString(file, PASSWORD + "\n");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** The database name of a URL made by {@link #newDatabase}. */
    public static String database(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }
}
