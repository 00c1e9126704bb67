package chat.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import picocli.CommandLine;

/**
 * Answers {@code chat --version} and {@code chat --help} without building picocli's model.
 * Picocli reads the annotations of every command by reflection before it parses anything:
 * about 0.25 s of a 0.5 s start on the 2-core test machine (issue 12). These two answers need
 * none of it: the version comes from the provider picocli itself calls, and the help is the
 * text picocli printed when {@code jlink/build-image} made the image ({@code lib/help/chat.txt},
 * and {@code chat.ansi} in colour), chosen by picocli's own colour rule. The image build
 * checks that the answers match picocli's. Other arguments, any other picocli setting, or a
 * run without those files (tests, an image being built) go to picocli.
 */
final class QuickAnswer {

    /** {@code -Dchat.quickAnswer=false} always asks picocli (jlink/build-image records its output so). */
    static final String SWITCH = "chat.quickAnswer";
    /** {@code -Dchat.aotTraining=true}: the run that trains the AOT cache goes through the quick answers too. */
    static final String TRAINING = "chat.aotTraining";

    private QuickAnswer() {
    }

    /** The exit code if {@code args} had a quick answer, printed on {@code out}; else empty. */
    static OptionalInt answer(String[] args, PrintStream out) {
        if (args.length != 1 || "false".equals(System.getProperty(SWITCH)) || picocliTuned()) {
            return OptionalInt.empty();
        }
        return switch (args[0]) {
            case "-V", "--version" -> version(out);
            case "-h", "--help" -> help(out);
            default -> OptionalInt.empty();
        };
    }

    /**
     * Gives both answers into nothing, so that the AOT cache, which holds only what its one
     * training run loaded, also holds the classes these answers need.
     */
    static void train() {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        picocliTuned();
        version(nowhere);
        help(nowhere);
    }

    private static OptionalInt version(PrintStream out) {
        try {
            for (String line : new ChatCommand.Version().getVersion()) {
                out.println(line);
            }
            return OptionalInt.of(0);
        } catch (IOException e) {
            return OptionalInt.empty();
        }
    }

    private static OptionalInt help(PrintStream out) {
        String home = System.getProperty("chat.home");
        if (home == null) {
            return OptionalInt.empty();
        }
        boolean colour = CommandLine.Help.Ansi.AUTO.enabled();
        Path text = Path.of(home, "lib", "help", colour ? "chat.ansi" : "chat.txt");
        try {
            out.write(Files.readAllBytes(text));
            return OptionalInt.of(0);
        } catch (IOException e) { // no such file: an image without the recorded help
            return OptionalInt.empty();
        }
    }

    /** A picocli.* setting other than the colour one (width, trace, ...) could change the text. */
    private static boolean picocliTuned() {
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("picocli.") && !name.equals("picocli.ansi")) {
                return true;
            }
        }
        return false;
    }
}
