package chat.launcher;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code chat completion bash|zsh}: prints the shell completion script picocli makes from
 * the command line model ({@link picocli.AutoComplete}), so it always knows every command
 * and option. The one script serves both shells: under zsh it turns on zsh's bash
 * completion (bashcompinit) itself. The image ships it as {@code completion/chat.bash}.
 */
@Command(name = "completion",
        mixinStandardHelpOptions = true,
        description = {
            "Print the shell completion script for chat (bash or zsh).",
            "",
            "Tab then completes commands, options and their values. To install it for yourself:",
            "  bash: chat completion bash > ~/.local/share/bash-completion/completions/chat",
            "  zsh:  chat completion zsh > ~/.zsh-chat-completion, and in ~/.zshrc:",
            "        source ~/.zsh-chat-completion",
            "or for this shell only: source <(chat completion bash).",
            ""
        })
final class CompletionCommand implements Runnable {

    /** The shells the script is for. */
    static final class Shells implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of("bash", "zsh").iterator();
        }
    }

    @Parameters(paramLabel = "SHELL", completionCandidates = Shells.class, description = "bash or zsh.")
    String shell;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (!List.of("bash", "zsh").contains(shell)) {
            throw CliException.usage("completion: unknown shell '" + shell + "'; choose bash or zsh");
        }
        spec.commandLine().getOut().print(picocli.AutoComplete.bash("chat", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
    }
}
