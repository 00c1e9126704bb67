package chat.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** The two-column result table printed at the end of a run. */
final class Table {

    private final String title;
    private final List<String[]> rows = new ArrayList<>();

    Table(String title) {
        this.title = title;
    }

    Table row(String label, String format, Object... args) {
        rows.add(new String[] {label, String.format(format, args)});
        return this;
    }

    Table section(String name) {
        rows.add(new String[] {null, name});
        return this;
    }

    void print(PrintStream out) {
        int width = rows.stream().filter(r -> r[0] != null).mapToInt(r -> r[0].length()).max().orElse(10);
        String rule = "-".repeat(Math.max(title.length(), width + 40));
        out.println();
        out.println(title);
        out.println(rule);
        for (String[] r : rows) {
            if (r[0] == null) {
                out.println(r[1]);
            } else {
                out.printf("  %-" + width + "s  %s%n", r[0], r[1]);
            }
        }
        out.println(rule);
    }

    static String mib(long kib) {
        return kib < 0 ? "n/a" : String.format("%,.1f MiB", kib / 1024.0);
    }

    static String millis(long micros) {
        return String.format("%.2f ms", micros / 1000.0);
    }
}
