package chat.launcher;

import chat.client.ClientOptions;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Parses HOST:PORT (IPv6 as [addr]:port) into an unresolved-if-needed socket address. */
final class HostPort {

    private HostPort() {
    }

    /**
     * Parses HOST:PORT,HOST2:PORT2,... (the relays of one deployment) into at most
     * {@link ClientOptions#MAX_SERVERS} distinct addresses, in the order given.
     */
    static List<InetSocketAddress> parseList(String value, String option) {
        String[] items = value.split(",", -1);
        if (items.length > ClientOptions.MAX_SERVERS) {
            throw CliException.usage(option + " lists " + items.length + " addresses; at most "
                    + ClientOptions.MAX_SERVERS + " are allowed");
        }
        List<InetSocketAddress> addresses = new ArrayList<>(items.length);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < items.length; i++) {
            String item = items[i].strip();
            if (item.isEmpty()) {
                throw CliException.usage(option + ": address " + (i + 1) + " of '" + value
                        + "' is empty (separate addresses with single commas: HOST:PORT,HOST2:PORT2)");
            }
            InetSocketAddress address = parse(item, option);
            if (address.getPort() == 0) {
                throw CliException.usage(option + ": port 0 in " + item + " is not a server's port (1..65535)");
            }
            if (!seen.add(ClientOptions.text(address).toLowerCase(Locale.ROOT))) {
                throw CliException.usage(option + " lists " + item + " twice");
            }
            addresses.add(address);
        }
        return List.copyOf(addresses);
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
