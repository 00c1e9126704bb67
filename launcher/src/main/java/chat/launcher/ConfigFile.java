package chat.launcher;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The configuration file, {@code config.toml}: a small subset of TOML read by our own parser
 * (no dependency: the image is at its size limit). What it takes:
 * <ul>
 *   <li>{@code # comments}, alone or after a value, and blank lines;</li>
 *   <li>section headers {@code [client]} and {@code [server]}: every key belongs to one;</li>
 *   <li>{@code key = value}, the key bare ({@code A-Z a-z 0-9 _ -}), the value a string in
 *       double quotes (escapes {@code \" \\ \n \t \\uXXXX}) or single quotes (literal), an
 *       integer (underscores between digits allowed), a decimal number, {@code true} or
 *       {@code false}.</li>
 * </ul>
 * Anything else (tables of tables, arrays, dates, dotted keys, multi-line strings) is refused
 * with the line and what was expected, like every other mistake: {@code config.toml line 3:
 * ...}. A key given twice in a section is a mistake too, as in TOML.
 */
record ConfigFile(Path path, Map<String, Map<String, Value>> sections) {

    /** The sections the file may have. */
    static final Set<String> SECTIONS = Set.of("client", "server");

    /** One value with the line it came from, for errors found after parsing (an unknown key, a wrong type). */
    record Value(Object value, int line) {

        String typeName() {
            return switch (value) {
                case String s -> "a string";
                case Boolean b -> "true or false";
                default -> "a number";
            };
        }

        /** The value as picocli takes it on the command line. */
        String asArgument() {
            return switch (value) {
                case Double d when d == Math.rint(d) && !Double.isInfinite(d) -> Long.toString(d.longValue());
                default -> value.toString();
            };
        }
    }

    /** A mistake in the file, said with its line: {@code FILE line N: WHAT}. */
    static final class ConfigException extends Exception {
        ConfigException(String message) {
            super(message);
        }
    }

    Map<String, Value> section(String name) {
        return sections.getOrDefault(name, Map.of());
    }

    /** Reads and parses {@code file}; a missing file is a {@link NoSuchFileException} for the caller to judge. */
    static ConfigFile read(Path file) throws IOException, ConfigException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": not valid UTF-8 text");
        }
        return parse(file, text);
    }

    static ConfigFile parse(Path file, String text) throws ConfigException {
        Map<String, Map<String, Value>> sections = new LinkedHashMap<>();
        String section = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String where = file + " line " + number + ": ";
            Line line = new Line(lines[i], where);
            line.skipSpaces();
            if (line.atEndOrComment()) {
                continue;
            }
            if (line.peek() == '[') {
                line.next();
                line.skipSpaces();
                String name = line.bareKey();
                line.skipSpaces();
                if (line.atEnd() || line.peek() != ']') {
                    throw new ConfigException(where + "expected a section header such as [client]");
                }
                line.next();
                line.expectEnd();
                if (name.isEmpty() || !SECTIONS.contains(name)) {
                    throw new ConfigException(where + "unknown section [" + name + "]; the sections are [client] and [server]");
                }
                if (sections.containsKey(name)) {
                    throw new ConfigException(where + "section [" + name + "] is given twice");
                }
                section = name;
                sections.put(name, new LinkedHashMap<>());
                continue;
            }
            String key = line.bareKey();
            if (key.isEmpty()) {
                throw new ConfigException(where + "expected key = value (a key is made of letters, digits, '-' and '_')");
            }
            line.skipSpaces();
            if (line.atEnd() || line.peek() != '=') {
                throw new ConfigException(where + "expected '=' after the key '" + key + "'");
            }
            line.next();
            line.skipSpaces();
            Object value = line.value(key);
            line.expectEnd();
            if (section == null) {
                throw new ConfigException(where + "'" + key + "' is outside a section: put it under [client] or [server]");
            }
            if (sections.get(section).putIfAbsent(key, new Value(value, number)) != null) {
                throw new ConfigException(where + "'" + key + "' is given twice in [" + section + "]");
            }
        }
        return new ConfigFile(file, sections);
    }

    /** A cursor over one line. */
    private static final class Line {
        private final String s;
        private final String where;
        private int pos;

        Line(String s, String where) {
            this.s = s;
            this.where = where;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        boolean atEndOrComment() {
            return atEnd() || s.charAt(pos) == '#';
        }

        char peek() {
            return s.charAt(pos);
        }

        char next() {
            return s.charAt(pos++);
        }

        void skipSpaces() {
            while (!atEnd() && (peek() == ' ' || peek() == '\t')) {
                pos++;
            }
        }

        void expectEnd() throws ConfigException {
            skipSpaces();
            if (!atEndOrComment()) {
                throw new ConfigException(where + "unexpected '" + s.substring(pos).strip()
                        + "' at the end of the line (a comment starts with #)");
            }
        }

        String bareKey() {
            int start = pos;
            while (!atEnd() && (Character.isLetterOrDigit(peek()) && peek() < 128 || peek() == '-' || peek() == '_')) {
                pos++;
            }
            return s.substring(start, pos);
        }

        Object value(String key) throws ConfigException {
            if (atEndOrComment()) {
                throw new ConfigException(where + "'" + key + "' has no value (a string is written in quotes: \"...\")");
            }
            char c = peek();
            if (c == '"') {
                return basicString();
            }
            if (c == '\'') {
                return literalString();
            }
            int start = pos;
            while (!atEnd() && peek() != ' ' && peek() != '\t' && peek() != '#') {
                pos++;
            }
            String word = s.substring(start, pos);
            if (word.equals("true") || word.equals("false")) {
                return Boolean.valueOf(word);
            }
            if (word.matches("[+-]?(0|[1-9](_?[0-9])*)")) {
                try {
                    return Long.parseLong(word.replace("_", ""));
                } catch (NumberFormatException e) {
                    throw new ConfigException(where + "the number " + word + " is too large");
                }
            }
            if (word.matches("[+-]?(0|[1-9](_?[0-9])*)(\\.[0-9](_?[0-9])*)?([eE][+-]?[0-9]+)?")) {
                return Double.parseDouble(word.replace("_", ""));
            }
            throw new ConfigException(where + "the value of '" + key + "' is not a string, number, true or false: "
                    + word + " (a string is written in quotes: \"" + word + "\")");
        }

        private String basicString() throws ConfigException {
            pos++; // the opening quote
            StringBuilder b = new StringBuilder();
            while (!atEnd()) {
                char c = next();
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    if (atEnd()) {
                        break;
                    }
                    char e = next();
                    switch (e) {
                        case '"' -> b.append('"');
                        case '\\' -> b.append('\\');
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'u' -> {
                            if (pos + 4 > s.length() || !s.substring(pos, pos + 4).matches("[0-9A-Fa-f]{4}")) {
                                throw new ConfigException(where + "\\u must be followed by four hexadecimal digits");
                            }
                            b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                            pos += 4;
                        }
                        default -> throw new ConfigException(where + "unknown escape \\" + e
                                + " in a string (use \\\\ for a backslash, or single quotes for a literal string)");
                    }
                } else if (c < 0x20 && c != '\t') {
                    throw new ConfigException(where + "a control character in a string");
                } else {
                    b.append(c);
                }
            }
            throw new ConfigException(where + "the string is not closed: a \" is missing at the end of the line");
        }

        private String literalString() throws ConfigException {
            int end = s.indexOf('\'', pos + 1);
            if (end < 0) {
                throw new ConfigException(where + "the string is not closed: a ' is missing at the end of the line");
            }
            String value = s.substring(pos + 1, end);
            pos = end + 1;
            return value;
        }
    }
}
