package chat.frontend.cli;

import chat.client.ChannelInfo;
import chat.client.ChatClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * Tab completion: command names, channel names after /join, user names from the
 * directory after /invite, and a name at the start of a message ("bo" Tab gives "bob: ").
 * It runs under the line reader's lock, so it asks the client, never the view.
 */
final class ChatCompleter implements Completer {

    private final ChatClient client;
    private final Supplier<String> currentChannel;

    ChatCompleter(ChatClient client, Supplier<String> currentChannel) {
        this.client = client;
        this.currentChannel = currentChannel;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        List<String> words = line.words();
        if (line.wordIndex() == 0) {
            if (line.word().startsWith("/")) {
                for (Command.Syntax s : Command.Syntax.values()) {
                    candidates.add(new Candidate(s.word, s.word, null, s.description, null, null, true));
                }
            } else {
                for (String user : others()) {
                    candidates.add(new Candidate(user + ":", user, null, null, null, null, true));
                }
            }
            return;
        }
        switch (words.get(0).toLowerCase(Locale.ROOT)) {
            case "/join", "/j" -> {
                if (line.wordIndex() == 1) {
                    for (ChannelInfo c : client.channels()) {
                        candidates.add(new Candidate(c.name(), "#" + c.name(), null,
                                c.members().size() + " " + ChatView.plural(c.members().size(), "member"), null, null,
                                true));
                    }
                }
            }
            case "/invite" -> {
                String channel = currentChannel.get();
                List<String> members = client.channels().stream().filter(c -> c.name().equals(channel))
                        .flatMap(c -> c.members().stream()).toList();
                List<String> named = new ArrayList<>(words.subList(1, words.size()));
                named.remove(line.wordIndex() - 1); // the word being completed
                for (String user : others()) {
                    if (!members.contains(user) && !named.contains(user)) {
                        candidates.add(new Candidate(user, user, null, null, null, null, true));
                    }
                }
            }
            default -> {
            }
        }
    }

    private List<String> others() {
        return client.directory().users().keySet().stream().filter(u -> !u.equals(client.user())).toList();
    }
}
