package chat.frontend.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineInputTest {

    private static LineInput of(String text, int max) {
        return of(text.getBytes(StandardCharsets.UTF_8), max);
    }

    private static LineInput of(byte[] bytes, int max) {
        return new LineInput(new ByteArrayInputStream(bytes), max);
    }

    @Test
    void linesComeWithoutTheirTerminatorsAndTheEndIsNull() throws IOException {
        LineInput in = of("one\ntwo\r\n\nlast", 10);
        assertThat(in.next()).isEqualTo(new LineInput.Line.Text("one"));
        assertThat(in.next()).isEqualTo(new LineInput.Line.Text("two"));
        assertThat(in.next()).isEqualTo(new LineInput.Line.Text(""));
        assertThat(in.next()).isEqualTo(new LineInput.Line.Text("last"));
        assertThat(in.next()).isNull();
    }

    @Test
    void anOverlongLineIsSkippedWholeAndReportedAndTheNextLineIsRead() throws IOException {
        LineInput in = of("x".repeat(25) + "\nok\n" + "y".repeat(11), 10);
        assertThat(in.next()).isEqualTo(new LineInput.Line.TooLong(25));
        assertThat(in.next()).isEqualTo(new LineInput.Line.Text("ok"));
        assertThat(in.next()).isEqualTo(new LineInput.Line.TooLong(11));
        assertThat(in.next()).isNull();
    }

    @Test
    void aLineOfExactlyTheLimitIsFine() throws IOException {
        LineInput in = of("z".repeat(10) + "\n", 10);
        assertThat(in.next()).isEqualTo(new LineInput.Line.Text("z".repeat(10)));
        assertThat(in.next()).isNull();
    }

    @Test
    void multiByteCharactersAreDecodedAndCountedInBytes() throws IOException {
        LineInput in = of("héllo ✓ 😀\n" + "é".repeat(6) + "\n", 11);
        assertThat(in.next()).isEqualTo(new LineInput.Line.TooLong(15));
        assertThat(in.next()).isEqualTo(new LineInput.Line.TooLong(12));
        in = of("héllo ✓ 😀\n", 100);
        assertThat(in.next()).isEqualTo(new LineInput.Line.Text("héllo ✓ 😀"));
    }

    @Test
    void aLineThatIsNotUtf8IsReportedWithTheOffsetOfItsFirstBadByteAndTheNextLineIsRead() throws IOException {
        byte[] bad = {'{', '"', 'a', (byte) 0xC3, '"', '}', '\n', // a lead byte without its continuation
            (byte) 0xFF, '\n', // never valid in UTF-8
            (byte) 0xED, (byte) 0xA0, (byte) 0x80, '\n', // an encoded surrogate (CESU-8)
            'o', 'k', '\n'};
        LineInput in = of(bad, 100);
        assertThat(in.next()).isEqualTo(new LineInput.Line.NotUtf8(3));
        assertThat(in.next()).isEqualTo(new LineInput.Line.NotUtf8(0));
        assertThat(in.next()).isEqualTo(new LineInput.Line.NotUtf8(0));
        assertThat(in.next()).isEqualTo(new LineInput.Line.Text("ok"));
        assertThat(in.next()).isNull();
    }

    @Test
    void linesSpanningTheReadBlocksComeWholeAndInOrder() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            text.append("line ").append(i).append(" ").append("x".repeat(i % 37)).append(i % 3 == 0 ? "\r\n" : "\n");
        }
        text.append("x".repeat(20_000)).append("\nafter\n");
        LineInput in = new LineInput(new java.io.ByteArrayInputStream(
                text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)), 10_000);
        for (int i = 0; i < 5000; i++) {
            assertThat(in.next()).isEqualTo(new LineInput.Line.Text("line " + i + " " + "x".repeat(i % 37)));
        }
        assertThat(in.next()).isEqualTo(new LineInput.Line.TooLong(20_000));
        assertThat(in.next()).isEqualTo(new LineInput.Line.Text("after"));
        assertThat(in.next()).isNull();
    }
}
