package chat.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code chat man}: prints the manual page (troff) made from the command line model; hidden, for the image build. */
@Command(name = "man", hidden = true, description = "Print the manual page chat.1 (troff).")
final class ManCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        ManPage.write(spec.root(), ChatCommand.version(), spec.commandLine().getOut());
    }
}
