package chat.launcher;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The manual page {@code chat.1}, in troff (man(7) macros), made from the picocli model
 * that also gives {@code --help}: so the page never says other than the program. The image
 * build writes it to {@code man/chat.1} with the hidden command {@code chat man}.
 * (picocli-codegen's generator writes AsciiDoc, which would need Asciidoctor to become a
 * man page: more than these hundred lines.)
 */
final class ManPage {

    private final PrintWriter out;

    private ManPage(PrintWriter out) {
        this.out = out;
    }

    static void write(CommandSpec root, String version, PrintWriter out) {
        new ManPage(out).page(root, version);
        out.flush();
    }

    private void page(CommandSpec root, String version) {
        out.println(".TH CHAT 1 \"\" \"chat " + text(version) + "\" \"User Commands\"");
        out.println(".SH NAME");
        out.println("chat \\- " + text(firstLine(root)).replaceAll("\\.$", ""));
        out.println(".SH SYNOPSIS");
        out.println(".B chat");
        out.println("\\fICOMMAND\\fR [\\fIOPTIONS\\fR]");
        out.println(".SH DESCRIPTION");
        paragraphs(root.usageMessage().description());
        out.println("Each command below has its own \\fB\\-\\-help\\fR. The documents in the \\fIdocs/\\fR folder"
                + " beside \\fIbin/\\fR say more (user\\-guide.md, cli.md, frontends.md).");
        out.println(".SH COMMANDS");
        for (CommandLine sub : root.subcommands().values()) {
            command(sub.getCommandSpec());
        }
        out.println(".SH EXIT STATUS");
        for (String line : root.usageMessage().footer()) {
            if (line.startsWith("Environment:")) {
                out.println(".SH ENVIRONMENT");
                out.println(text(line.substring("Environment:".length()).strip()));
            } else if (!line.isBlank()) {
                out.println(".br");
                out.println(text(line.strip()));
            }
        }
    }

    private void command(CommandSpec spec) {
        if (spec.usageMessage().hidden() || spec.name().equals("help")) {
            return;
        }
        out.println(".SS \"" + text(spec.qualifiedName()) + "\"");
        paragraphs(spec.usageMessage().description());
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (!p.hidden()) {
                out.println(".TP");
                out.println("\\fI" + text(p.paramLabel()) + "\\fR");
                out.println(text(String.join(" ", p.description())));
            }
        }
        for (OptionSpec o : spec.options()) {
            if (o.hidden() || o.usageHelp() || o.versionHelp()) {
                continue;
            }
            out.println(".TP");
            String names = String.join(", ", List.of(o.names()).stream().map(n -> "\\fB" + text(n) + "\\fR").toList());
            out.println(names + (o.typeInfo().isBoolean() ? "" : "=\\fI" + text(o.paramLabel()) + "\\fR"));
            String description = String.join(" ", o.description());
            if (o.defaultValue() != null) {
                description = description.replace("${DEFAULT-VALUE}", o.defaultValue());
            }
            out.println(text(description));
        }
        for (CommandLine sub : spec.subcommands().values()) {
            command(sub.getCommandSpec());
        }
    }

    private void paragraphs(String[] lines) {
        for (String line : lines) {
            for (String part : line.split("%n", -1)) {
                if (part.isBlank()) {
                    out.println(".PP");
                } else if (part.startsWith(" ")) {
                    out.println(".br");
                    out.println("\\ \\ " + text(part.strip()));
                } else {
                    out.println(text(part));
                }
            }
        }
    }

    private static String firstLine(CommandSpec spec) {
        String[] d = spec.usageMessage().description();
        return d.length == 0 ? spec.name() : d[0].split("%n")[0];
    }

    /** Text for troff: backslashes and hyphens escaped, no line that starts a request. */
    static String text(String s) {
        String t = s.replace("\\", "\\e").replace("-", "\\-").replace("%%", "%");
        return t.startsWith(".") || t.startsWith("'") ? "\\&" + t : t;
    }
}
