package chat.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chat completion bash|zsh} and the image's completion/chat.bash: a valid bash
 * script that, installed as README.md says, completes commands, options and values in a
 * real bash; and the manual page, installed the same way, opens with man.
 */
class CompletionE2ETest {

    /**
     * Sources the script in $1 and prints what bash would offer for the command line $2,
     * through the function the script registered for chat (complete -p chat), as bash
     * calls it: COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT set, COMPREPLY read.
     */
    private static final String COMPLETE = """
            source "$1"
            function=$(complete -p chat | sed -n 's/.*-F \\([^ ]*\\) .*/\\1/p')
            COMP_LINE="$2"
            read -ra COMP_WORDS <<< "$2"
            if [[ "$2" == *" " ]]; then COMP_WORDS+=(""); fi
            COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            COMP_POINT=${#COMP_LINE}
            COMPREPLY=()
            "$function" chat "${COMP_WORDS[COMP_CWORD]}" 2>/dev/null
            printf '%s\\n' "${COMPREPLY[@]}"
            """;

    private final ChatImage chat = ChatImage.fromSystemProperty();

    @TempDir
    Path tmp;

    private List<String> complete(Path script, String line) {
        ChatImage.Result r = ChatImage.run(new ProcessBuilder("bash", "-c", COMPLETE, "bash", script.toString(), line),
                null, Duration.ofMinutes(1));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.stdout().lines().filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void theBashScriptIsValidAndCompletesCommandsOptionsAndValues() throws Exception {
        ChatImage.Result bash = chat.run("completion", "bash");
        assertThat(bash.exitCode()).as(bash.toString()).isZero();
        // installed as the user guide says
        Path script = Files.createDirectories(tmp.resolve(".local/share/bash-completion/completions")).resolve("chat");
        Files.writeString(script, bash.stdout());
        assertThat(bash.stdout()).isEqualTo(Files.readString(chat.home().resolve("completion/chat.bash")));

        ChatImage.Result syntax = ChatImage.run(new ProcessBuilder("bash", "-n", script.toString()), null,
                Duration.ofMinutes(1));
        assertThat(syntax.exitCode()).as(syntax.toString()).isZero();

        assertThat(complete(script, "chat ser")).containsExactly("server");
        assertThat(complete(script, "chat ")).contains("generate", "server", "client", "completion")
                .doesNotContain("man"); // hidden
        assertThat(complete(script, "chat server --max-conn")).containsExactlyInAnyOrder("--max-connections",
                "--max-connections-per-user");
        assertThat(complete(script, "chat completion ")).containsExactlyInAnyOrder("bash", "zsh");
    }

    @Test
    void zshGetsTheSameScriptWhichTurnsOnBashCompletionThere() {
        ChatImage.Result zsh = chat.run("completion", "zsh");
        assertThat(zsh.exitCode()).as(zsh.toString()).isZero();
        assertThat(zsh.stdout()).isEqualTo(chat.run("completion", "bash").stdout())
                .contains("autoload -U +X bashcompinit && bashcompinit");
        ChatImage.Result fish = chat.run("completion", "fish");
        assertThat(fish.exitCode()).isEqualTo(2);
        assertThat(fish.stderr()).contains("chat: completion: unknown shell 'fish'; choose bash or zsh");
    }

    @Test
    void theManualPageInstalledAsTheReadmeSaysOpensWithMan() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/man")), "this machine has no man");
        // chat on the PATH in ~/.local/bin, the page in ~/.local/share/man/man1: man finds it from the PATH
        Path bin = Files.createDirectories(tmp.resolve(".local/bin"));
        Files.createSymbolicLink(bin.resolve("chat"), chat.launcher());
        Path man1 = Files.createDirectories(tmp.resolve(".local/share/man/man1"));
        Files.copy(chat.home().resolve("man/chat.1"), man1.resolve("chat.1"));
        ProcessBuilder pb = new ProcessBuilder("man", "-P", "cat", "chat");
        pb.environment().remove("MANPATH");
        pb.environment().put("HOME", tmp.toString());
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().put("MANWIDTH", "100");
        ChatImage.Result r = ChatImage.run(pb, null, Duration.ofMinutes(1));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("chat server", "chat completion", "--listen");
    }
}
