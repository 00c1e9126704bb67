package chat.launcher;

import java.net.InetSocketAddress;

/** Parses HOST:PORT (IPv6 as [addr]:port) into an unresolved-if-needed socket address. */
final class HostPort {

    private HostPort() {
    }

    static InetSocketAddress parse(String value, String option) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw CliException.usage(option + " expects HOST:PORT, got '" + value + "'");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw CliException.usage(option + ": port '" + value.substring(colon + 1) + "' is not a number");
        }
        if (port < 0 || port > 65535) {
            throw CliException.usage(option + ": port " + port + " is outside 0..65535");
        }
        return new InetSocketAddress(host, port);
    }
}
