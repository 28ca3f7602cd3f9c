package dev.flowpulse.simulator.websocket;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * RFC 6455 framing for the server side: reads masked client frames, writes unmasked server frames,
 * encodes close payloads and computes the handshake's {@code Sec-WebSocket-Accept}.
 *
 * <p>Stateless and thread safe; callers serialize writes to one stream themselves.
 */
public final class WebSocketFrames {

    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    /** Longest close reason: a control frame carries at most 125 bytes, two of them the code. */
    public static final int MAX_REASON_BYTES = 123;

    private static final String HANDSHAKE_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WebSocketFrames() {}

    /** One frame as read from the wire, payload already unmasked. */
    public record Frame(boolean fin, int opcode, byte[] payload) {
        public boolean isControl() {
            return (opcode & 0x8) != 0;
        }
    }

    /** A violation of RFC 6455 by the peer; {@link #closeCode()} is what to close with. */
    public static final class ProtocolException extends IOException {
        private final int closeCode;

        public ProtocolException(int closeCode, String message) {
            super(message);
            this.closeCode = closeCode;
        }

        public int closeCode() {
            return closeCode;
        }
    }

    /** {@code base64(SHA-1(key + GUID))}, the value of {@code Sec-WebSocket-Accept}. */
    public static String acceptKey(String secWebSocketKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((secWebSocketKey.trim() + HANDSHAKE_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every JDK", e);
        }
    }

    /**
     * Reads one client frame. Client frames must be masked (RFC 6455 §5.1).
     *
     * @throws EOFException when the stream ends before a full frame
     * @throws ProtocolException for unmasked frames, reserved bits, bad control frames or oversized payloads
     */
    public static Frame read(InputStream in, int maxPayload) throws IOException {
        int b0 = readByte(in);
        int b1 = readByte(in);
        boolean fin = (b0 & 0x80) != 0;
        if ((b0 & 0x70) != 0) {
            throw new ProtocolException(1002, "reserved bits set");
        }
        int opcode = b0 & 0x0F;
        boolean masked = (b1 & 0x80) != 0;
        long length = b1 & 0x7F;
        if (length == 126) {
            length = ((long) readByte(in) << 8) | readByte(in);
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte(in);
            }
        }
        if (!masked) {
            throw new ProtocolException(1002, "client frames must be masked");
        }
        boolean control = (opcode & 0x8) != 0;
        if (control && (length > 125 || !fin)) {
            throw new ProtocolException(1002, "invalid control frame");
        }
        if (length > maxPayload || length < 0) {
            throw new ProtocolException(1009, "frame too large");
        }
        byte[] mask = in.readNBytes(4);
        if (mask.length < 4) {
            throw new EOFException("connection ended inside a frame header");
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
            throw new EOFException("connection ended inside a frame payload");
        }
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i & 3];
        }
        return new Frame(fin, opcode, payload);
    }

    /** Writes one unmasked, final server frame and flushes. */
    public static void write(OutputStream out, int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream(10);
        header.write(0x80 | opcode);
        int length = payload.length;
        if (length < 126) {
            header.write(length);
        } else if (length <= 0xFFFF) {
            header.write(126);
            header.write(length >>> 8);
            header.write(length & 0xFF);
        } else {
            header.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                header.write((int) (((long) length >>> shift) & 0xFF));
            }
        }
        out.write(header.toByteArray());
        out.write(payload);
        out.flush();
    }

    /** A close frame body: 2-byte code then the UTF-8 reason cut to {@link #MAX_REASON_BYTES}. */
    public static byte[] closePayload(int code, String reason) {
        byte[] text = truncateUtf8(reason == null ? "" : reason, MAX_REASON_BYTES);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return payload;
    }

    /** The status code in a close frame body, 1005 (no status) when absent. */
    public static int closeCode(byte[] payload) {
        return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }

    static byte[] truncateUtf8(String text, int maxBytes) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return bytes;
        }
        int end = maxBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // never cut inside a multi-byte character
        }
        byte[] cut = new byte[end];
        System.arraycopy(bytes, 0, cut, 0, end);
        return cut;
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection ended");
        }
        return b;
    }
}
