import chat.crypto.SigningKeyPair;
import chat.crypto.SigningPublicKey;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * The machine's floor for a catch-up (scripts/bench catchup): N Ed25519 verifications of
 * 200-byte messages spread over all cores, after a warm-up. Prints "verify N ms".
 */
public class VerifyCost {
    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        SigningKeyPair key = SigningKeyPair.generate();
        SigningPublicKey pub = key.publicKey();
        byte[][] msgs = new byte[1024][];
        byte[][] sigs = new byte[1024][];
        for (int i = 0; i < msgs.length; i++) {
            msgs[i] = ("message " + i + " ".repeat(190)).getBytes();
            sigs[i] = key.sign(msgs[i]);
        }
        run(pub, msgs, sigs, Math.min(n, 20_000)); // warm-up
        long t0 = System.nanoTime();
        run(pub, msgs, sigs, n);
        System.out.printf("verify %d signatures on %d cores: %d ms%n", n, Runtime.getRuntime().availableProcessors(),
                (System.nanoTime() - t0) / 1_000_000);
    }

    private static void run(SigningPublicKey pub, byte[][] msgs, byte[][] sigs, int n) {
        AtomicInteger bad = new AtomicInteger();
        IntStream.range(0, n).parallel().forEach(i -> {
            if (!pub.verify(msgs[i & 1023], sigs[i & 1023])) {
                bad.incrementAndGet();
            }
        });
        if (bad.get() > 0) {
            throw new AssertionError(bad.get() + " failed");
        }
    }
}
