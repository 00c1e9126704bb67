package chat.launcher;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The commands nearest to a mistyped one ("clinet" is client): picocli suggests options,
 * and commands only where it expected one. Near means at most two edits away (insert,
 * delete, replace, or swap two neighbours), or a prefix of the word typed.
 */
final class Suggestions {

    private static final int MAX_EDITS = 2;

    private Suggestions() {
    }

    static List<String> nearest(String typed, Collection<String> words) {
        String t = typed.toLowerCase(java.util.Locale.ROOT);
        return words.stream()
                .filter(w -> distance(t, w) <= MAX_EDITS || (t.length() >= 2 && w.startsWith(t)))
                .sorted(Comparator.comparingInt(w -> distance(t, w)))
                .toList();
    }

    /** Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a substring). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
