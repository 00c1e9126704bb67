package chat.bench;

import chat.protocol.MessageCodec;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** What every member of a traffic run shares: the population, the send times, the switches, the error samples. */
final class Load {

    private static final int ERROR_SAMPLES = 8;

    final Population population;
    final SendTimes sendTimes;
    final MessageCodec codec = new MessageCodec();
    final String text;
    /** Senders keep sending while set. */
    volatile boolean running = true;
    /** Every delivery's latency, from the end of the setup on. */
    final LatencyRecorder latency = new LatencyRecorder();
    /** Members from this index on are flooders: their messages are not in {@link #latency}. */
    volatile int firstFlooder = Integer.MAX_VALUE;
    final Queue<String> errorSamples = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sampled = new AtomicInteger();

    Load(Population population, SendTimes sendTimes, int messageBytes) {
        this.population = population;
        this.sendTimes = sendTimes;
        this.text = filler(messageBytes);
    }

    void sampleError(String what) {
        if (sampled.getAndIncrement() < ERROR_SAMPLES) {
            errorSamples.add(what);
        }
    }

    /** Printable text of exactly {@code n} ASCII chars (a message's plaintext is {"text": ...} around it). */
    private static String filler(int n) {
        StringBuilder b = new StringBuilder(n);
        String alphabet = "the quick brown fox jumps over the lazy dog 0123456789 ";
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(i % alphabet.length()));
        }
        return b.toString();
    }
}
