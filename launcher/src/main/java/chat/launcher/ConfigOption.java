package chat.launcher;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE} of {@code chat client} and {@code chat server}. Its value is read by
 * {@link ConfigDefaults} before picocli parses the command line; the option is declared here so
 * that picocli accepts it and the help describes it.
 */
final class ConfigOption {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Take this command's defaults from the [client] or [server] section of FILE (default:"
                    + " $XDG_CONFIG_HOME/chat/config.toml, else ~/.config/chat/config.toml, if it exists); options"
                    + " given here override it.")
    Path config;
}
