package chat.frontend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import chat.client.CommandException;
import chat.protocol.ErrorCode;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RefusalTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "notMember|you are not a member of x|You are not a member of #x.",
        "channelExists|channel x exists already|Channel #x already exists. If someone else made it, ask them to"
                + " /invite you.",
        "noSuchChannel|you have no channel x|There is no channel #x. /channels lists yours; /create x makes it.",
        "alreadyMember|bob is a member of x already|bob is already a member of #x.",
        "unknownInvitee|there is no user bob in the directory|There is no user bob in the directory.",
        "limitExceeded|the message is 70000 bytes long; the limit is 65536|The server does not take that: The"
                + " message is 70000 bytes long; the limit is 65536.",
        "local|the message is empty|The message is empty.",
        "badMessage|field text is missing|The server refused that: Field text is missing.",
    })
    void everyCodeBecomesASentence(String code, String message, String sentence) {
        CommandException refused = code.equals(CommandException.LOCAL) ? CommandException.local(message)
                : new CommandException(ErrorCode.fromWire(code), message);
        assertThat(refused.code()).isEqualTo(code);
        assertThat(Refusal.explain(refused, "x", "bob")).isEqualTo(sentence);
        assertThat(Refusal.explain(new CompletionException(refused), "x", "bob")).isEqualTo(sentence);
    }
}
