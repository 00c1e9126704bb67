package chat.frontend.web.internal;

import java.util.List;

/**
 * What comes after {@code --}: {@code --port N} (0, the default, lets the system choose).
 * Validated when built; a bad argument fails with a sentence that names it.
 */
public record WebOptions(int port) {

    public WebOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port " + port + " is out of range 0-65535");
        }
    }

    public static WebOptions parse(List<String> args) {
        int port = 0;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--port") && i + 1 < args.size()) {
                String value = args.get(++i);
                try {
                    port = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--port needs a number, got '" + value + "'");
                }
            } else if (arg.startsWith("--port=")) {
                return parse(List.of("--port", arg.substring("--port=".length())));
            } else {
                throw new IllegalArgumentException("unknown argument '" + arg + "' (the web frontend takes --port N)");
            }
        }
        return new WebOptions(port);
    }
}
