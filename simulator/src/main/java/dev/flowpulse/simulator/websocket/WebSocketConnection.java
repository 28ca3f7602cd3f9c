package dev.flowpulse.simulator.websocket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One accepted server-side websocket after the HTTP upgrade: reassembles text messages, answers
 * pings, performs the close handshake, and lets other threads send text, pings and close frames.
 *
 * <p>Lifecycle: created after the 101 response; {@link #readText()} is called by exactly one
 * reader thread; {@link #sendText}, {@link #sendPing}, {@link #close} and {@link #abort} may be
 * called from any thread (writes are serialized by a lock). The connection ends when the peer's
 * close frame arrives, when {@link #abort()} drops the socket, or on an I/O error.
 */
public final class WebSocketConnection {

    private static final int MAX_MESSAGE_BYTES = 1 << 20;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String subprotocol;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean closeSent = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong lastPingSentNanos = new AtomicLong();
    private final AtomicLong lastPongNanos = new AtomicLong(System.nanoTime());

    public WebSocketConnection(Socket socket, InputStream in, OutputStream out, String subprotocol) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.subprotocol = subprotocol;
    }

    /** The negotiated subprotocol, or null when none was agreed. */
    public String subprotocol() {
        return subprotocol;
    }

    public boolean isOpen() {
        return !closed.get() && !closeSent.get();
    }

    /**
     * Blocks for the next complete text message. Pings are answered, pongs noted, binary messages
     * ignored. Returns null once the connection is over (peer close, abort, EOF, protocol error).
     */
    public String readText() {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        boolean inTextMessage = false;
        try {
            while (!closed.get()) {
                WebSocketFrames.Frame frame = WebSocketFrames.read(in, MAX_MESSAGE_BYTES);
                switch (frame.opcode()) {
                    case WebSocketFrames.PING -> send(WebSocketFrames.PONG, frame.payload());
                    case WebSocketFrames.PONG -> lastPongNanos.set(System.nanoTime());
                    case WebSocketFrames.CLOSE -> {
                        onPeerClose(frame.payload());
                        return null;
                    }
                    case WebSocketFrames.TEXT, WebSocketFrames.BINARY, WebSocketFrames.CONTINUATION -> {
                        if (frame.opcode() != WebSocketFrames.CONTINUATION) {
                            message.reset();
                            inTextMessage = frame.opcode() == WebSocketFrames.TEXT;
                        }
                        message.write(frame.payload());
                        if (message.size() > MAX_MESSAGE_BYTES) {
                            close(1009, "message too large");
                            return null;
                        }
                        if (frame.fin() && inTextMessage) {
                            return decodeUtf8(message.toByteArray());
                        }
                    }
                    default -> {
                        close(1002, "unknown opcode");
                        return null;
                    }
                }
            }
        } catch (WebSocketFrames.ProtocolException e) {
            close(e.closeCode(), e.getMessage());
        } catch (IOException e) {
            abort();
        }
        return null;
    }

    /** Sends one text message. */
    public void sendText(String text) throws IOException {
        send(WebSocketFrames.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a protocol ping (uvicorn does so every 20 s). */
    public void sendPing() throws IOException {
        if (!writeLock.tryLock()) {
            return; // a writer is blocked on a slow reader; the next round will try again
        }
        try {
            lastPingSentNanos.set(System.nanoTime());
            send(WebSocketFrames.PING, new byte[0]);
        } finally {
            writeLock.unlock();
        }
    }

    /** True when a ping went unanswered for longer than {@code timeout}. */
    public boolean pingTimedOut(Duration timeout) {
        long sent = lastPingSentNanos.get();
        return sent != 0 && lastPongNanos.get() - sent < 0 && System.nanoTime() - sent > timeout.toNanos();
    }

    /**
     * Starts the close handshake: sends a close frame once. The socket is closed when the peer
     * answers (seen by the reader) or by {@link #awaitCloseReply} / {@link #abort()}.
     */
    public void close(int code, String reason) {
        if (closed.get() || !closeSent.compareAndSet(false, true)) {
            return;
        }
        try {
            // a writer stuck on a client that stopped reading must not block the close forever
            if (!writeLock.tryLock(1, TimeUnit.SECONDS)) {
                abort();
                return;
            }
            try {
                send(WebSocketFrames.CLOSE, WebSocketFrames.closePayload(code, reason));
            } finally {
                writeLock.unlock();
            }
        } catch (IOException e) {
            abort();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort();
        }
    }

    /**
     * For a connection without a separate reader thread: after {@link #close}, reads until the
     * peer's close reply or the timeout, then closes the socket.
     */
    public void awaitCloseReply(Duration timeout) {
        try {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!closed.get() && System.nanoTime() < deadline) {
                WebSocketFrames.Frame frame = WebSocketFrames.read(in, MAX_MESSAGE_BYTES);
                if (frame.opcode() == WebSocketFrames.CLOSE) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            // the peer did not answer in time; drop it
        } catch (IOException e) {
            // already gone
        }
        abort();
    }

    /** Drops the TCP connection without a close frame, as a network failure would. */
    public void abort() {
        if (closed.compareAndSet(false, true)) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }

    public boolean isClosed() {
        return closed.get();
    }

    private void onPeerClose(byte[] payload) {
        if (closeSent.compareAndSet(false, true)) {
            int code = WebSocketFrames.closeCode(payload);
            try {
                send(WebSocketFrames.CLOSE, code == 1005 ? new byte[0] : WebSocketFrames.closePayload(code, ""));
            } catch (IOException ignored) {
                // peer already gone
            }
        }
        abort();
    }

    private void send(int opcode, byte[] payload) throws IOException {
        if (closed.get() || (closeSent.get() && opcode != WebSocketFrames.CLOSE && opcode != WebSocketFrames.PONG)) {
            throw new IOException("websocket closed");
        }
        writeLock.lock();
        try {
            WebSocketFrames.write(out, opcode, payload);
        } finally {
            writeLock.unlock();
        }
    }

    private String decodeUtf8(byte[] bytes) throws WebSocketFrames.ProtocolException {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new WebSocketFrames.ProtocolException(1007, "invalid UTF-8");
        }
    }
}
