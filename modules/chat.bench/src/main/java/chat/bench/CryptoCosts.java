package chat.bench;

import chat.crypto.AesGcm;
import chat.crypto.MalformedInputException;
import chat.crypto.Sha256;
import chat.protocol.ChainHash;
import chat.protocol.ChannelCrypto;
import chat.protocol.Comms;
import chat.protocol.Entries;
import chat.protocol.MessageCodec;
import chat.protocol.ProtocolException;
import chat.protocol.SignedForms;
import chat.protocol.Stamp;
import chat.protocol.View;
import chat.protocol.identity.IdentityKeys;
import java.io.PrintStream;

/**
 * What the per-message steps cost on this machine, one thread, warmed up: the figures the
 * server's per-message budget is made of (a server that verifies N messages a second
 * spends N times the verify cost on it alone).
 */
final class CryptoCosts {

    private CryptoCosts() {
    }

    interface Op {
        Object run() throws Exception;
    }

    static void print(int messageBytes, PrintStream out) throws Exception {
        IdentityKeys alice = IdentityKeys.generate("alice");
        byte[] key = ChannelCrypto.newChannelKey();
        MessageCodec codec = new MessageCodec();
        String text = "x".repeat(messageBytes);
        View view = new View(1, ChainHash.genesis("general"));
        Comms comms = Entries.comms(alice.signing(), "general", 0, "alice", 1, view, key, text);
        byte[] signedForm = SignedForms.comms(comms);
        Comms stamped = comms.withStamp(new Stamp(2, System.currentTimeMillis()));
        byte[] wire = codec.encode(stamped);
        AesGcm transport = AesGcm.of(key);
        byte[] nonce = new byte[12];
        nonce[0] = 1; // never produced by seal() below
        byte[] sealed = AesGcm.of(key).seal(nonce, null, wire);

        Table t = new Table(String.format(
                "per-message costs on this machine (one thread; a %d-char message is a %d-byte comms)",
                messageBytes, wire.length));
        t.row("Ed25519 sign (client)", "%s", time(() -> alice.signing().sign(signedForm)));
        t.row("Ed25519 verify (server, per message)", "%s",
                time(() -> alice.signing().publicKey().verify(signedForm, comms.signature())));
        t.row("Entries.comms: seal + sign (client)", "%s", time(() -> Entries.comms(alice.signing(), "general", 0, "alice", 1,
                view, key, text)));
        t.row("MessageCodec.decode of a comms", "%s", time(() -> decode(codec, wire)));
        t.row("SignedForms.comms (what is verified)", "%s", time(() -> SignedForms.comms(comms)));
        t.row("MessageCodec.encode of a comms", "%s", time(() -> codec.encode(stamped)));
        t.row("SHA-256 chain step", "%s", time(() -> Sha256.hash(signedForm, wire)));
        t.row("AES-GCM frame seal (per recipient)", "%s", time(() -> seal(transport, wire)));
        t.row("AES-GCM frame open", "%s", time(() -> transport.open(nonce, null, sealed)));
        t.row("AesGcm.of (new Cipher)", "%s", time(() -> AesGcm.of(key)));
        t.print(out);
    }

    private static Object decode(MessageCodec codec, byte[] wire) throws ProtocolException {
        return codec.decode(wire);
    }

    private static long counter;

    /** A fresh nonce per call, as the frame counter gives (the JDK refuses a repeated GCM nonce). */
    private static Object seal(AesGcm gcm, byte[] wire) throws MalformedInputException {
        byte[] nonce = new byte[12];
        long n = ++counter;
        for (int i = 0; i < 8; i++) {
            nonce[11 - i] = (byte) (n >>> (8 * i));
        }
        return gcm.seal(nonce, null, wire);
    }

    /** Mean time per call after a warm-up, with the implied rate on one core. */
    private static String time(Op op) throws Exception {
        Object sink = null;
        long warmEnd = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            sink = op.run();
        }
        long n = 0;
        long start = System.nanoTime();
        long end = start + 1_000_000_000L;
        long now;
        do {
            for (int i = 0; i < 64; i++) {
                sink = op.run();
            }
            n += 64;
            now = System.nanoTime();
        } while (now < end);
        double micros = (now - start) / 1e3 / n;
        if (sink == null) {
            throw new IllegalStateException();
        }
        return String.format("%8.2f us   (%,9.0f /s per core)", micros, 1e6 / micros);
    }
}
