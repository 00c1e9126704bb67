package chat.frontend.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class LineInputTest {

    @Test
    void linesComeWithoutTheirTerminatorsAndTheEndIsNull() throws IOException {
        LineInput in = new LineInput(new StringReader("one\ntwo\r\n\nlast"), 10);
        assertThat(in.next()).isEqualTo(new LineInput.Line.Text("one"));
        assertThat(in.next()).isEqualTo(new LineInput.Line.Text("two"));
        assertThat(in.next()).isEqualTo(new LineInput.Line.Text(""));
        assertThat(in.next()).isEqualTo(new LineInput.Line.Text("last"));
        assertThat(in.next()).isNull();
    }

    @Test
    void anOverlongLineIsSkippedWholeAndReportedAndTheNextLineIsRead() throws IOException {
        LineInput in = new LineInput(new StringReader("x".repeat(25) + "\nok\n" + "y".repeat(11)), 10);
        assertThat(in.next()).isEqualTo(new LineInput.Line.TooLong(25));
        assertThat(in.next()).isEqualTo(new LineInput.Line.Text("ok"));
        assertThat(in.next()).isEqualTo(new LineInput.Line.TooLong(11));
        assertThat(in.next()).isNull();
    }

    @Test
    void aLineOfExactlyTheLimitIsFine() throws IOException {
        LineInput in = new LineInput(new StringReader("z".repeat(10) + "\n"), 10);
        assertThat(in.next()).isEqualTo(new LineInput.Line.Text("z".repeat(10)));
        assertThat(in.next()).isNull();
    }

    @Test
    void linesSpanningTheReadBlocksComeWholeAndInOrder() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            text.append("line ").append(i).append(" ").append("x".repeat(i % 37)).append(i % 3 == 0 ? "\r\n" : "\n");
        }
        text.append("x".repeat(20_000)).append("\nafter\n");
        LineInput in = new LineInput(new StringReader(text.toString()), 10_000);
        for (int i = 0; i < 5000; i++) {
            assertThat(in.next()).isEqualTo(new LineInput.Line.Text("line " + i + " " + "x".repeat(i % 37)));
        }
        assertThat(in.next()).isEqualTo(new LineInput.Line.TooLong(20_000));
        assertThat(in.next()).isEqualTo(new LineInput.Line.Text("after"));
        assertThat(in.next()).isNull();
    }
}
