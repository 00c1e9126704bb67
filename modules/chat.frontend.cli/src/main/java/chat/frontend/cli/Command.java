package chat.frontend.cli;

import chat.protocol.Names;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One line the person typed, understood: a message for the current channel or one of the
 * slash commands. {@link #parse} is the only place that reads the syntax; {@link Usage}
 * says what was wrong in a sentence.
 */
sealed interface Command {

    /** Text for the current channel; a line starting with "//" sends the rest from its second '/'. */
    record Send(String text) implements Command {
    }

    record Create(String channel) implements Command {
    }

    record Join(String channel) implements Command {
    }

    record Invite(List<String> users) implements Command {
        public Invite {
            users = List.copyOf(users);
        }
    }

    /** Leave the current channel. */
    record Leave() implements Command {
    }

    /** Remove a member from the current channel (admins). */
    record Remove(String user) implements Command {
    }

    /** Make a member an admin of the current channel (admins). */
    record Admin(String user) implements Command {
    }

    /** Rotate the current channel's key now. */
    record Rotate() implements Command {
    }

    record Channels() implements Command {
    }

    record Members() implements Command {
    }

    /** The last {@code limit} entries of the current channel, all of them when limit is 0. */
    record History(int limit) implements Command {
    }

    record Alarms() implements Command {
    }

    /** Show a user's key fingerprint and whether you verified it. */
    record Whois(String user) implements Command {
    }

    /** Record that you compared a user's fingerprint with them. */
    record Verify(String user) implements Command {
    }

    /** Switch to the channel with this number (/1../9, /win N; Alt-1..Alt-9 on the keyboard). */
    record Window(int number) implements Command {
    }

    /** Empty the window. */
    record Clear() implements Command {
    }

    /** The messages on this device that contain {@code text}. */
    record Search(String text) implements Command {
    }

    /** The members of the current channel, marked online or not. */
    record Who() implements Command {
    }

    /** What rings: null only asks what is set now. */
    record Notify(Notifier.Mode mode) implements Command {
    }

    record Help() implements Command {
    }

    record Quit() implements Command {
    }

    /** A line that is not a valid command; the message is for the person. */
    final class Usage extends Exception {
        Usage(String message) {
            super(message);
        }
    }

    /** The commands with their arguments and what they do: for /help and for completion. */
    enum Syntax {
        CREATE("/create", "NAME", "create a channel and switch to it"),
        JOIN("/join", "NAME", "switch to a channel: shows its recent history"),
        INVITE("/invite", "USER...", "add people to the current channel"),
        LEAVE("/leave", "", "leave the current channel (it stays here as read-only history)"),
        REMOVE("/remove", "USER", "remove someone from the current channel (admins)"),
        ADMIN("/admin", "USER", "make a member an admin of the current channel (admins)"),
        ROTATE("/rotate", "", "give the current channel a new key now"),
        CHANNELS("/channels", "", "your channels, with unread counts"),
        MEMBERS("/members", "", "who is in the current channel; * marks admins"),
        WHO("/who", "", "the members of the current channel, and who of them is online now"),
        WINDOW("/win", "N", "switch to channel number N, as /channels numbers them (also /1../9 and Alt-1..Alt-9)"),
        CLEAR("/clear", "", "empty the window (/history shows the channel again)"),
        SEARCH("/search", "TEXT", "the messages on this device that contain TEXT (the server learns nothing)"),
        NOTIFY("/notify", "[on|mentions|off]", "bell and desktop notification: mentions and other channels, mentions"
                + " only, or never"),
        HISTORY("/history", "[N]", "print the last N entries of the channel (default: all)"),
        ALARMS("/alarms", "", "list the alarms (evidence that the server misbehaved)"),
        WHOIS("/whois", "USER", "a user's key fingerprint, since when, and whether you verified it"),
        VERIFY("/verify", "USER", "record that you compared USER's fingerprint with them (in person, by phone)"),
        HELP("/help", "", "this list"),
        QUIT("/quit", "", "leave (Ctrl-D and Ctrl-C too)");

        final String word;
        final String arguments;
        final String description;

        Syntax(String word, String arguments, String description) {
            this.word = word;
            this.arguments = arguments;
            this.description = description;
        }

        static List<String> words() {
            return Arrays.stream(values()).map(s -> s.word).toList();
        }
    }

    static Command parse(String line) throws Usage {
        if (!line.startsWith("/")) {
            return new Send(line);
        }
        if (line.startsWith("//")) {
            return new Send(line.substring(1));
        }
        String[] words = line.strip().split("\\s+");
        String word = words[0].toLowerCase(Locale.ROOT);
        List<String> args = Arrays.asList(words).subList(1, words.length);
        return switch (word) {
            case "/create" -> new Create(newChannel(line.strip().substring(words[0].length()).strip()));
            case "/join", "/j" -> new Join(channel(args, Syntax.JOIN));
            case "/invite" -> {
                if (args.isEmpty()) {
                    throw usage(Syntax.INVITE);
                }
                yield new Invite(args);
            }
            case "/leave", "/part" -> none(args, Syntax.LEAVE, new Leave());
            case "/remove", "/kick" -> new Remove(user(args, Syntax.REMOVE));
            case "/admin", "/op" -> new Admin(user(args, Syntax.ADMIN));
            case "/rotate" -> none(args, Syntax.ROTATE, new Rotate());
            case "/channels", "/list" -> none(args, Syntax.CHANNELS, new Channels());
            case "/members", "/names" -> none(args, Syntax.MEMBERS, new Members());
            case "/who" -> none(args, Syntax.WHO, new Who());
            case "/win", "/window" -> {
                if (args.size() != 1 || !args.get(0).matches("[0-9]{1,3}") || Integer.parseInt(args.get(0)) == 0) {
                    throw usage(Syntax.WINDOW);
                }
                yield new Window(Integer.parseInt(args.get(0)));
            }
            case "/clear" -> none(args, Syntax.CLEAR, new Clear());
            case "/search" -> {
                String text = line.strip().substring(words[0].length()).strip();
                if (text.isEmpty()) {
                    throw usage(Syntax.SEARCH);
                }
                yield new Search(text);
            }
            case "/notify" -> {
                if (args.isEmpty()) {
                    yield new Notify(null);
                }
                Notifier.Mode mode = args.size() == 1 ? Notifier.Mode.parse(args.get(0)) : null;
                if (mode == null) {
                    throw new Usage("Usage: /notify on|mentions|off (on: mentions and messages in other channels;"
                            + " mentions: only when someone writes your name; off: never).");
                }
                yield new Notify(mode);
            }
            case "/history" -> new History(limit(args));
            case "/alarms" -> none(args, Syntax.ALARMS, new Alarms());
            case "/whois" -> new Whois(user(args, Syntax.WHOIS));
            case "/verify" -> new Verify(user(args, Syntax.VERIFY));
            case "/help", "/?" -> new Help();
            case "/quit", "/exit", "/q" -> new Quit();
            default -> {
                if (word.matches("/[1-9]")) {
                    yield none(args, Syntax.WINDOW, new Window(word.charAt(1) - '0'));
                }
                throw new Usage("There is no command " + words[0] + ". /help lists them; to send a line"
                    + " that starts with '/', begin it with '//'.");
            }
        };
    }

    private static String channel(List<String> args, Syntax syntax) throws Usage {
        if (args.size() != 1) {
            throw usage(syntax);
        }
        String name = args.get(0);
        return name.startsWith("#") ? name.substring(1) : name;
    }

    /**
     * The name of a channel to create: all that follows /create (so "my channel!" is judged
     * whole, spaces and all), without a leading '#', checked against the rules of
     * {@link Names}.
     */
    private static String newChannel(String rest) throws Usage {
        if (rest.isEmpty()) {
            throw usage(Syntax.CREATE);
        }
        String name = rest.startsWith("#") ? rest.substring(1) : rest;
        String problem = Names.channelProblem(name);
        if (problem != null) {
            throw new Usage(Refusal.sentence(problem));
        }
        return name;
    }

    private static String user(List<String> args, Syntax syntax) throws Usage {
        if (args.size() != 1) {
            throw usage(syntax);
        }
        return args.get(0);
    }

    private static int limit(List<String> args) throws Usage {
        if (args.isEmpty()) {
            return 0;
        }
        if (args.size() == 1 && args.get(0).matches("[0-9]{1,6}") && Integer.parseInt(args.get(0)) > 0) {
            return Integer.parseInt(args.get(0));
        }
        throw usage(Syntax.HISTORY);
    }

    private static Command none(List<String> args, Syntax syntax, Command command) throws Usage {
        if (!args.isEmpty()) {
            throw new Usage(syntax.word + " takes no arguments.");
        }
        return command;
    }

    private static Usage usage(Syntax syntax) {
        return new Usage("Usage: " + syntax.word + " " + syntax.arguments + " (" + syntax.description + ").");
    }
}
