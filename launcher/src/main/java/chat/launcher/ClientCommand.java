package chat.launcher;

import chat.client.spi.ExitStatus;
import chat.client.ChatClient;
import chat.client.ClientEvent;
import chat.client.ClientOptions;
import chat.client.LoginException;
import chat.client.spi.Frontend;
import chat.client.spi.FrontendContext;
import chat.client.spi.FrontendException;
import chat.client.spi.Frontends;
import chat.protocol.identity.IdentityFileException;
import chat.protocol.identity.UserBundle;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code chat client}: logs a user in and runs a frontend against the client. */
@Command(name = "client",
        mixinStandardHelpOptions = true,
        description = {
            "Log in as the user of a bundle and chat, through a frontend.",
            "",
            "  cli   the interactive terminal client (default)",
            "  json  JSON lines: commands on stdin, events on stdout, for bots",
            "Frontends dropped into the image's plugins/ folder are found too (--list-frontends).",
            "",
            "The password is asked by the frontend; without a terminal it comes from",
            "--password-file FILE or the environment variable CHAT_PASSWORD, never the command line.",
            "Arguments after -- go to the frontend.",
            ""
        })
final class ClientCommand implements Runnable {

    @Option(names = "--dir", paramLabel = "DIR", description = "The user's bundle made by 'chat generate' (DIR/users/<user>).")
    Path dir;

    @Option(names = "--server", paramLabel = "HOST:PORT[,...]", defaultValue = "127.0.0.1:8989",
            description = {"The server (default: ${DEFAULT-VALUE}). Several comma-separated addresses (at most 16) name"
                    + " the relays of one deployment (same server key, same history): the client logs in at the first"
                    + " that answers, starting with the one that last worked, moves on at once from one that is down,"
                    + " and resumes on another without loss or duplicates."})
    String server;

    @Option(names = "--frontend", paramLabel = "NAME", description = "Which frontend to use (default: cli).")
    String frontend;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Read the password from the first line of FILE (keep it 0600). Standard input cannot be used: it carries commands.")
    Path passwordFile;

    @Option(names = "--rotate-after-messages", paramLabel = "N", defaultValue = "1000",
            description = "Rotate a channel's key before sending into a key epoch that has carried N messages (default: ${DEFAULT-VALUE}).")
    long rotateAfterMessages;

    @Option(names = "--rotate-after-days", paramLabel = "DAYS", defaultValue = "7",
            description = "... or that began DAYS days ago (default: ${DEFAULT-VALUE}), so a stolen key reads a bounded window.")
    long rotateAfterDays;

    @Option(names = "--list-frontends", description = "List the frontends found and exit.")
    boolean listFrontends;

    @Parameters(paramLabel = "ARG", arity = "0..*", description = "Options for the frontend (after --).")
    List<String> frontendArgs = new ArrayList<>();

    @CommandLine.Mixin
    ConfigOption config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        Logging.quiet();
        Frontends frontends;
        try {
            frontends = Frontends.load(pluginsDir());
        } catch (FrontendException e) {
            throw CliException.failure(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (String warning : frontends.warnings()) {
            err.println("chat: warning: " + warning);
        }
        err.flush();
        if (listFrontends) {
            frontends.all().forEach((name, f) -> out.printf("%-10s %s%n", name, f.description()));
            out.flush();
            return;
        }
        if (dir == null) {
            throw CliException.usage("missing --dir DIR: the user's bundle (DIR/users/<user> from 'chat generate'),"
                    + " on the command line or as dir = \"...\" in the [client] section of the config file ("
                    + ConfigDefaults.defaultLocation() + ")");
        }
        Frontend selected;
        try {
            selected = frontends.select(frontend);
        } catch (FrontendException e) {
            throw CliException.usage(e.getMessage());
        }
        List<InetSocketAddress> addresses = HostPort.parseList(server, "--server");
        if (!Files.isDirectory(dir)) {
            throw CliException.failure("user bundle " + dir + " does not exist (create it with 'chat generate')");
        }
        KeyFileModes.warnIfOpen(dir.resolve(chat.protocol.identity.UserKeyFile.FILE_NAME), spec.commandLine().getErr(),
                "your private key");
        UserBundle bundle;
        try {
            bundle = UserBundle.load(dir);
        } catch (IdentityFileException e) {
            if (e.reason() == IdentityFileException.Reason.REVOKED) {
                // the same exit code as a server refusing a revoked login: retrying cannot help
                throw new CliException(chat.client.spi.ExitStatus.AUTH, e.getMessage());
            }
            throw CliException.failure("cannot use the bundle: " + e.getMessage());
        }
        Optional<char[]> password = suppliedPassword();
        if (rotateAfterMessages < 1 || rotateAfterDays < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--rotate-after-messages and --rotate-after-days must be at least 1");
        }
        ClientOptions options = ClientOptions.defaults(addresses)
                .withRotation(rotateAfterMessages, java.time.Duration.ofDays(rotateAfterDays));
        Context context = new Context(bundle, options, password, List.copyOf(frontendArgs));
        int code;
        try {
            code = selected.run(context);
        } catch (CliException e) {
            throw e;
        } catch (Exception | LinkageError e) {
            throw new CliException(ExitStatus.FAILURE, "frontend " + selected.name() + " failed: " + e, e);
        }
        if (code != 0) {
            throw new CliException(code, null); // the frontend has said why
        }
    }

    private static Path pluginsDir() {
        String explicit = System.getProperty("chat.plugins");
        if (explicit != null) {
            return Path.of(explicit);
        }
        String home = System.getProperty("chat.home");
        return home == null ? null : Path.of(home, "plugins");
    }

    private Optional<char[]> suppliedPassword() {
        if (passwordFile != null) {
            PasswordSource.warnIfOpen(passwordFile, spec.commandLine().getErr());
            try {
                List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
                if (lines.isEmpty() || lines.get(0).isEmpty()) {
                    throw CliException.usage("password file " + passwordFile + " is empty");
                }
                return Optional.of(lines.get(0).toCharArray());
            } catch (NoSuchFileException e) {
                throw CliException.usage("password file " + passwordFile + " does not exist");
            } catch (IOException e) {
                throw CliException.failure("cannot read password file " + passwordFile + ": " + e.getMessage());
            }
        }
        String env = System.getenv("CHAT_PASSWORD");
        return env == null || env.isEmpty() ? Optional.empty() : Optional.of(env.toCharArray());
    }


    private record Context(UserBundle bundle, ClientOptions options, Optional<char[]> password, List<String> args)
            implements FrontendContext {

        @Override
        public String user() {
            return bundle.user();
        }

        @Override
        public Path bundleDir() {
            return bundle.dir();
        }

        @Override
        public Optional<char[]> suppliedPassword() {
            return password.map(char[]::clone);
        }

        @Override
        public InetSocketAddress server() {
            return options.server();
        }

        @Override
        public List<InetSocketAddress> servers() {
            return options.servers();
        }

        @Override
        public List<String> arguments() {
            return args;
        }

        @Override
        public ChatClient login(char[] pw, Consumer<ClientEvent> listener) throws LoginException {
            return ChatClient.login(bundle, pw, options, listener);
        }
    }
}
