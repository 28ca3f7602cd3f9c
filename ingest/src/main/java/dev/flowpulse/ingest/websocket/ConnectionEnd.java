package dev.flowpulse.ingest.websocket;

/**
 * Why one websocket connection ended; decides the wait before the next and the connect outcome.
 *
 * @param kind   the cause
 * @param code   the close code for {@link Kind#CLOSED} and close-based auth failures, else 0
 * @param detail one line for the log; may come from the server, so it is redacted before logging
 */
record ConnectionEnd(Kind kind, int code, String detail) {

    enum Kind {
        CONNECT_FAILED,
        AUTH_FAILED,
        CLOSED,
        ERROR,
        /** The TCP connection failed under an open socket (reset, EOF without a close frame). */
        TRANSPORT_LOST,
        /** A websocket protocol violation seen by the client. */
        PROTOCOL_ERROR,
        PING_TIMEOUT,
        PUBLISH_FAILED,
        STOPPED
    }

    ConnectionEnd {
        detail = detail == null ? "" : detail;
    }

    /** Close codes Prefect (uvicorn) or a proxy sends when the server goes away or restarts. */
    private static final java.util.Set<Integer> RESTART_CODES = java.util.Set.of(1001, 1012, 1013);

    private static final java.util.Set<Integer> PROTOCOL_CODES = java.util.Set.of(1002, 1003, 1007, 1009, 1010);

    /**
     * The {@code cause} label of {@code flowpulse_ingest_reconnects_total}: connect failure, auth
     * failure (1008, {@code auth_failure}, HTTP 401/403), clean close (1000), server restart (1001,
     * 1012, 1013), protocol error (1002, 1003, 1007, 1009, 1010, or one the client saw), server
     * error (1011), other close codes, TCP drop (1006 or a transport failure), ping timeout
     * (silence), a failed Kafka send, other errors ({@link dev.flowpulse.ingest.IngestMetrics#RECONNECT_CAUSES}). Null for {@link Kind#STOPPED} (not a reconnect).
     */
    String cause() {
        return switch (kind) {
            case CONNECT_FAILED -> "connect_failed";
            case AUTH_FAILED -> "auth_failed";
            case CLOSED -> {
                if (code == 1000) {
                    yield "clean_close";
                } else if (code == EventSubscriber.ABNORMAL_CLOSURE) {
                    yield "tcp_drop";
                } else if (RESTART_CODES.contains(code)) {
                    yield "server_restart";
                } else if (PROTOCOL_CODES.contains(code)) {
                    yield "protocol_error";
                } else if (code == 1011) {
                    yield "server_error";
                }
                yield "close_other";
            }
            case TRANSPORT_LOST -> "tcp_drop";
            case PROTOCOL_ERROR -> "protocol_error";
            case PING_TIMEOUT -> "ping_timeout";
            case PUBLISH_FAILED -> "publish_failed";
            case ERROR -> "error";
            case STOPPED -> null;
        };
    }

    /** The {@code code} label: the close code for closes (and close-based auth failures), else {@code none}. */
    String codeLabel() {
        return code == 0 ? "none" : Integer.toString(code);
    }

    boolean authenticationFailed() {
        return kind == Kind.AUTH_FAILED;
    }

    static ConnectionEnd connectFailed(String detail) {
        return new ConnectionEnd(Kind.CONNECT_FAILED, 0, detail);
    }

    static ConnectionEnd authFailed(int code, String detail) {
        return new ConnectionEnd(Kind.AUTH_FAILED, code, detail);
    }

    static ConnectionEnd closed(int code, String reason) {
        return new ConnectionEnd(Kind.CLOSED, code, reason);
    }

    static ConnectionEnd error(String detail) {
        return new ConnectionEnd(Kind.ERROR, 0, detail);
    }

    /** An error on an open socket: IO failures are a lost transport, protocol exceptions a protocol error. */
    static ConnectionEnd socketError(Throwable t) {
        if (t instanceof java.net.ProtocolException) {
            return new ConnectionEnd(Kind.PROTOCOL_ERROR, 0, describe(t));
        }
        if (t instanceof java.io.IOException) {
            return new ConnectionEnd(Kind.TRANSPORT_LOST, 0, describe(t));
        }
        return error(describe(t));
    }

    static ConnectionEnd pingTimeout(String detail) {
        return new ConnectionEnd(Kind.PING_TIMEOUT, 0, detail);
    }

    static ConnectionEnd publishFailed() {
        return new ConnectionEnd(Kind.PUBLISH_FAILED, 0, "a Kafka send failed");
    }

    static ConnectionEnd stopped() {
        return new ConnectionEnd(Kind.STOPPED, 0, "stopping");
    }

    static String describe(Throwable t) {
        return t.getMessage() == null
                ? t.getClass().getSimpleName()
                : t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
