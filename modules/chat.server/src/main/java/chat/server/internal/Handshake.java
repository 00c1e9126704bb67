package chat.server.internal;

import chat.protocol.ErrorCode;
import chat.protocol.ErrorMessage;
import chat.protocol.InitConfirm;
import chat.protocol.InitConn;
import chat.protocol.InitKey;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.ProtocolException;
import chat.protocol.identity.DirectoryLog;
import chat.protocol.identity.Principal;
import chat.protocol.wire.ClientHandshake;
import chat.protocol.wire.FrameOpener;
import chat.protocol.wire.FrameReader;
import chat.protocol.wire.FrameSealer;
import chat.protocol.wire.FrameWriter;
import chat.protocol.wire.ServerHandshake;
import chat.protocol.wire.SessionKeys;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * Runs the server side of the handshake on a fresh connection within the handshake time
 * limit: initConn in, initKey out, initConfirm in (the first encrypted frame). Anything
 * else, or a failure, gets an error in clear and ends the connection before any request
 * is looked at.
 */
final class Handshake {

    private static final System.Logger LOG = System.getLogger("chat.server");

    record Outcome(Principal user, FrameSealer sealer, FrameOpener opener) {
    }

    /**
     * Largest handshake frame: initConn and initConfirm are a few hundred bytes. A peer that
     * has not proved who it is must not make us allocate a full-size frame.
     */
    static final int MAX_FRAME_BYTES = 8192;

    private final ServerContext context;
    private final Socket socket;
    private final InputStream in;
    private final String peer;

    Handshake(ServerContext context, Socket socket, InputStream in, String peer) {
        this.context = context;
        this.socket = socket;
        this.in = in;
        this.peer = peer;
    }

    /** The authenticated user and the session's ciphers, or null if the handshake failed (already reported). */
    Outcome run() throws IOException {
        long deadline = System.nanoTime() + context.config().handshakeTimeout().toNanos();
        FrameReader frames = new FrameReader(new DeadlineInput(socket, in, deadline),
                Math.min(MAX_FRAME_BYTES, context.config().limits().maxFrameBytes()));
        MessageCodec codec = context.hub().codec;
        try {
            Message first = codec.decode(next(frames));
            if (!(first instanceof InitConn hello)) {
                throw new ProtocolException(ErrorCode.HANDSHAKE_FAILED, "expected initConn, got " + first.type());
            }
            // One log for the whole handshake. A revoked user is told so, not that the server
            // never heard of them (unknownUser), so they know to ask the admin.
            DirectoryLog log = context.hub().roster.log();
            if (hello.version() == ClientHandshake.VERSION && log.isRevoked(hello.userID())) {
                throw new ProtocolException(ErrorCode.REVOKED, Roster.revoked(log, hello.userID()));
            }
            ServerHandshake handshake = new ServerHandshake(context.serverKeys(), log.current());
            InitKey reply = handshake.accept(hello);
            FrameWriter writer = new FrameWriter(new BufferedOutputStream(socket.getOutputStream(), 512));
            writer.write(codec.encode(reply));
            writer.flush();
            SessionKeys keys = handshake.keys();
            FrameOpener opener = keys.serverOpener();
            FrameSealer sealer = keys.serverSealer();
            keys.destroy();
            Message second = codec.decode(opener.open(next(frames)));
            if (!(second instanceof InitConfirm confirm)) {
                throw new ProtocolException(ErrorCode.HANDSHAKE_FAILED, "expected initConfirm, got " + second.type());
            }
            Principal user = handshake.confirm(confirm);
            return new Outcome(user, sealer, opener);
        } catch (SocketTimeoutException e) {
            reject(codec, ErrorCode.HANDSHAKE_FAILED, "handshake not completed within "
                    + context.config().handshakeTimeout().toMillis() + " ms");
        } catch (ProtocolException e) {
            ErrorCode code = e.code() == ErrorCode.BAD_MESSAGE || e.code() == ErrorCode.UNKNOWN_TYPE
                    || e.code() == ErrorCode.LIMIT_EXCEEDED || e.code() == ErrorCode.BAD_FRAME
                    ? ErrorCode.HANDSHAKE_FAILED : e.code();
            reject(codec, code, e.getMessage());
        }
        return null;
    }

    private static byte[] next(FrameReader frames) throws IOException, ProtocolException {
        byte[] frame = frames.read();
        if (frame == null) {
            throw new ProtocolException(ErrorCode.HANDSHAKE_FAILED, "connection closed during the handshake");
        }
        return frame;
    }

    /**
     * The socket's input with the handshake deadline applied to every read, not only to each
     * frame: a peer that trickles a byte now and then cannot stretch the limit.
     */
    private static final class DeadlineInput extends InputStream {

        private final Socket socket;
        private final InputStream in;
        private final long deadline;

        DeadlineInput(Socket socket, InputStream in, long deadline) {
            this.socket = socket;
            this.in = in;
            this.deadline = deadline;
        }

        @Override
        public int read() throws IOException {
            arm();
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            arm();
            return in.read(b, off, len);
        }

        private void arm() throws IOException {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new SocketTimeoutException();
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
        }
    }

    private void reject(MessageCodec codec, ErrorCode code, String message) {
        LOG.log(Level.INFO, "{0}: handshake refused ({1}): {2}", peer, code.wireName(), message);
        sendPlain(socket, codec, ErrorMessage.of(code, message));
    }

    /** Best effort: an error in clear before the session keys exist (or are trusted). */
    static void sendPlain(Socket socket, MessageCodec codec, ErrorMessage error) {
        try {
            socket.setSoTimeout(1000);
            FrameWriter writer = new FrameWriter(new BufferedOutputStream(socket.getOutputStream(), 512));
            writer.write(codec.encode(error));
            writer.flush();
        } catch (IOException ignored) {
            // the peer is gone; nothing to tell
        }
    }
}
