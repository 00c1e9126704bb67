package chat.launcher;

import chat.client.spi.ExitStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code chat} command: dispatches to the subcommands and maps failures to exit codes. */
@Command(name = "chat",
        mixinStandardHelpOptions = true,
        versionProvider = ChatCommand.Version.class,
        description = "Self-hosted, end-to-end encrypted group chat.%n",
        subcommands = {GenerateCommand.class, UserCommand.class, KeygenCommand.class, PasswdCommand.class, ServerCommand.class,
            ClientCommand.class, CompletionCommand.class, ManCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0    success",
            "  1    runtime failure (I/O error, damaged file, failed operation)",
            "  2    bad usage (unknown option, missing or invalid argument)",
            "  3    login refused (wrong password, or a server key not in the directory)",
            "  4    server unreachable",
            "  130  interrupted (Ctrl-C)",
            "",
            "Environment: CHAT_JAVA_OPTS passes options to the Java VM (bin/chat)."
        })
final class ChatCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: choose one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    static int execute(String[] args) {
        return execute(args, null, null);
    }

    /** Runs {@code args} with the config file's defaults; {@code out} and {@code err} replace the standard ones (tests). */
    static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine();
        if (out != null) {
            cli.setOut(out);
            cli.setErr(err);
        }
        try {
            ConfigDefaults.install(cli, args);
        } catch (CliException e) {
            return handle(e, cli, null);
        }
        return cli.execute(args);
    }

    /** The configured command line (tests set its out and err). */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ChatCommand());
        cli.setExitCodeExceptionMapper(e -> e instanceof CliException c ? c.exitCode() : ExitStatus.FAILURE);
        cli.setExecutionExceptionHandler(ChatCommand::handle);
        cli.setParameterExceptionHandler(ChatCommand::handleUsage);
        return cli;
    }

    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (e instanceof CliException c) {
            if (c.getMessage() != null) {
                err.println(Logging.journalPrefix(java.util.logging.Level.SEVERE) + "chat: " + c.getMessage());
                err.flush();
            }
            return c.exitCode();
        }
        err.println("chat: unexpected failure: " + e);
        e.printStackTrace(err);
        err.flush();
        return ExitStatus.FAILURE;
    }

    private static int handleUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("chat: " + e.getMessage());
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
            // picocli's own suggestions for options; for a command its guesses are loose
            // ("clinet": client or generate), ours are the names a typo away
            List<String> words = unmatched.getUnmatched();
            List<String> near = !words.isEmpty() && !words.get(0).startsWith("-")
                    ? Suggestions.nearest(words.get(0), cmd.getSubcommands().keySet())
                    : unmatched.getSuggestions();
            if (!near.isEmpty()) {
                err.println("Did you mean: " + String.join(" or ", near.stream()
                        .map(s -> s.startsWith("-") ? s : cmd.getCommandSpec().qualifiedName() + " " + s).toList()) + "?");
            }
        }
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitStatus.USAGE;
    }

    /** Reads the version Maven wrote into version.properties at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            return new String[] {"chat " + version(), "Java " + Runtime.version()};
        }
    }

    static String version() {
        Properties p = new Properties();
        try (InputStream in = ChatCommand.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }
}
