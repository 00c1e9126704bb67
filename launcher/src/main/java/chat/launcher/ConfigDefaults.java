package chat.launcher;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The defaults of {@code chat client} and {@code chat server} from the configuration file
 * ({@link ConfigFile}): its {@code [client]} and {@code [server]} sections name the same
 * options as the command line, without the dashes ({@code server = "chat.example.org:8989"}
 * is {@code --server chat.example.org:8989}). They replace the built-in defaults, and an
 * option given on the command line replaces them, which is picocli's rule for a default value
 * provider. The file is read before picocli parses anything, so that every mistake in it is
 * found, with its line, whether or not the option it concerns is given too.
 */
final class ConfigDefaults implements CommandLine.IDefaultValueProvider {

    /** Options that make no sense as a standing default: one-off actions and the file itself. */
    static final Set<String> NOT_CONFIGURABLE = Set.of("help", "version", "config", "list-frontends", "repair-journal",
            "check");

    /** The environment (XDG_CONFIG_HOME); replaceable by tests, which cannot set variables. */
    static Function<String, String> environment = System::getenv;

    private final Map<String, String> values;

    private ConfigDefaults(Map<String, String> values) {
        this.values = values;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        return arg instanceof OptionSpec o ? values.get(key(o)) : null;
    }

    /** Where the file is looked for: $XDG_CONFIG_HOME/chat/config.toml, else ~/.config/chat/config.toml. */
    static Path defaultLocation() {
        String xdg = environment.apply("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()
                ? Path.of(xdg) // the XDG spec: a relative value is invalid and ignored
                : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("chat").resolve("config.toml");
    }

    /**
     * Reads the configuration for the command that {@code args} run, if it is {@code client}
     * or {@code server}, and gives it to that command as its defaults. Throws a usage
     * {@link CliException} naming the file and line of any mistake.
     */
    static void install(CommandLine cli, String[] args) {
        if (args.length == 0 || !ConfigFile.SECTIONS.contains(args[0])) {
            return;
        }
        String section = args[0];
        Path explicit = explicitLocation(args);
        Path file = explicit != null ? explicit : defaultLocation();
        ConfigFile config;
        try {
            config = ConfigFile.read(file);
        } catch (NoSuchFileException e) {
            if (explicit != null) {
                throw CliException.usage("config file " + explicit + " does not exist");
            }
            return; // no file: the built-in defaults
        } catch (IOException e) {
            throw CliException.failure("cannot read the config file " + file + ": " + e.getMessage());
        } catch (ConfigFile.ConfigException e) {
            throw CliException.usage(e.getMessage());
        }
        CommandLine command = cli.getSubcommands().get(section);
        command.setDefaultValueProvider(new ConfigDefaults(values(config, section, command.getCommandSpec(), cli)));
    }

    /** The FILE of {@code --config FILE} or {@code --config=FILE}, before any {@code --}. */
    static Path explicitLocation(String[] args) {
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--")) {
                return null;
            }
            if (args[i].equals("--config") && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return Path.of(args[i].substring("--config=".length()));
            }
        }
        return null;
    }

    private static Map<String, String> values(ConfigFile config, String section, CommandSpec spec, CommandLine root) {
        Map<String, String> out = new java.util.HashMap<>();
        for (Map.Entry<String, ConfigFile.Value> e : config.section(section).entrySet()) {
            String key = e.getKey();
            ConfigFile.Value value = e.getValue();
            String where = config.path() + " line " + value.line() + ": ";
            OptionSpec option = spec.findOption("--" + key);
            if (option == null || NOT_CONFIGURABLE.contains(key)) {
                throw CliException.usage(where + unknownKey(key, section, spec, root));
            }
            out.put(key, convert(option, value, where, config.path()));
        }
        return out;
    }

    private static String unknownKey(String key, String section, CommandSpec spec, CommandLine root) {
        String other = section.equals("client") ? "server" : "client";
        if (configurable(root.getSubcommands().get(other).getCommandSpec()).contains(key)) {
            return "'" + key + "' is a key of [" + other + "], not of [" + section + "]";
        }
        Set<String> known = configurable(spec);
        List<String> near = Suggestions.nearest(key, known);
        return "unknown key '" + key + "' in [" + section + "]"
                + (near.isEmpty() ? "; the keys are " + String.join(", ", known)
                        : "; did you mean '" + near.get(0) + "'?");
    }

    static Set<String> configurable(CommandSpec spec) {
        Set<String> keys = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            String key = key(o);
            if (key != null && !NOT_CONFIGURABLE.contains(key) && !o.hidden()) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static String key(OptionSpec o) {
        String name = o.longestName();
        return name.startsWith("--") ? name.substring(2) : null;
    }

    /** The value as a command-line argument, if its type suits the option; paths from ~ or the file's folder. */
    private static String convert(OptionSpec option, ConfigFile.Value value, String where, Path file) {
        Class<?> type = option.type();
        Object v = value.value();
        String name = "'" + key(option) + "'";
        if (type == boolean.class || type == Boolean.class) {
            if (!(v instanceof Boolean)) {
                throw CliException.usage(where + name + " takes true or false, not " + value.typeName());
            }
        } else if (type == int.class || type == long.class || type == Integer.class || type == Long.class) {
            if (!(v instanceof Long)) {
                throw CliException.usage(where + name + " takes a whole number, not " + value.typeName());
            }
        } else if (type == double.class || type == Double.class) {
            if (!(v instanceof Long) && !(v instanceof Double)) {
                throw CliException.usage(where + name + " takes a number, not " + value.typeName());
            }
        } else if (type == Path.class) {
            if (!(v instanceof String s)) {
                throw CliException.usage(where + name + " takes a path in quotes, not " + value.typeName());
            }
            return path(s, file).toString();
        } else if (v instanceof Boolean) {
            throw CliException.usage(where + name + " takes a string in quotes, not true or false");
        }
        return value.asArgument();
    }

    /** {@code ~/x} is in the home folder; a relative path is relative to the folder holding the config file. */
    static Path path(String s, Path file) {
        if (s.equals("~") || s.startsWith("~/")) {
            return Path.of(System.getProperty("user.home") + s.substring(1));
        }
        Path p = Path.of(s);
        Path folder = file.toAbsolutePath().getParent();
        return p.isAbsolute() || folder == null ? p : folder.resolve(p).normalize();
    }
}
