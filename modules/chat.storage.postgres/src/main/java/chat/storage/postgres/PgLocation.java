package chat.storage.postgres;

import chat.storage.StoreUnavailableException;

/**
 * Where the database is: {@code postgresql://USER@HOST[:PORT]/DATABASE}. No password in it:
 * it comes from PGPASSWORD or a password file, never from the command line.
 */
record PgLocation(String user, String host, int port, String database) {

    static final int DEFAULT_PORT = 5432;
    private static final String FORM = "postgresql://USER@HOST:PORT/DATABASE";

    static PgLocation parse(String url) throws StoreUnavailableException {
        String prefix = "postgresql://";
        if (url == null || !url.startsWith(prefix)) {
            throw bad(url, "it does not start with " + prefix);
        }
        String rest = url.substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash < 0 || slash == rest.length() - 1) {
            throw bad(url, "it names no database after the last /");
        }
        String database = rest.substring(slash + 1);
        String authority = rest.substring(0, slash);
        int at = authority.lastIndexOf('@');
        if (at <= 0) {
            throw bad(url, "it names no user before @");
        }
        String user = authority.substring(0, at);
        if (user.contains(":")) {
            throw bad(url, "a password does not belong in it: use PGPASSWORD or --store-password-file");
        }
        String hostPort = authority.substring(at + 1);
        String host = hostPort;
        int port = DEFAULT_PORT;
        int colon = hostPort.lastIndexOf(':');
        if (colon >= 0 && !hostPort.endsWith("]")) {
            host = hostPort.substring(0, colon);
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw bad(url, "the port '" + hostPort.substring(colon + 1) + "' is not a number");
            }
            if (port < 1 || port > 65535) {
                throw bad(url, "the port " + port + " is not between 1 and 65535");
            }
        }
        if (host.isEmpty()) {
            throw bad(url, "it names no host");
        }
        if (database.contains("/") || database.contains("?")) {
            throw bad(url, "the database name '" + database + "' holds / or ?; options are not supported");
        }
        return new PgLocation(user, host, port, database);
    }

    private static StoreUnavailableException bad(String url, String why) {
        return new StoreUnavailableException("--store " + url + " is not a PostgreSQL location like " + FORM + ": " + why);
    }

    @Override
    public String toString() {
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
    }
}
