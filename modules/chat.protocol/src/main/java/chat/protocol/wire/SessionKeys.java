package chat.protocol.wire;

import chat.crypto.AesGcm;

/**
 * The two AES-256-GCM keys a handshake yields, one per direction, so a frame reflected back
 * to its sender never decrypts.
 */
public record SessionKeys(byte[] clientToServer, byte[] serverToClient) {

    public SessionKeys {
        if (clientToServer.length != AesGcm.KEY_LENGTH || serverToClient.length != AesGcm.KEY_LENGTH) {
            throw new IllegalArgumentException("session keys must be " + AesGcm.KEY_LENGTH + " bytes");
        }
    }

    public FrameSealer clientSealer() {
        return new FrameSealer(clientToServer);
    }

    public FrameOpener clientOpener() {
        return new FrameOpener(serverToClient);
    }

    public FrameSealer serverSealer() {
        return new FrameSealer(serverToClient);
    }

    public FrameOpener serverOpener() {
        return new FrameOpener(clientToServer);
    }

    public void destroy() {
        java.util.Arrays.fill(clientToServer, (byte) 0);
        java.util.Arrays.fill(serverToClient, (byte) 0);
    }
}
