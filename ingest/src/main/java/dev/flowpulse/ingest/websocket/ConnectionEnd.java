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
        PING_TIMEOUT,
        PUBLISH_FAILED,
        STOPPED
    }

    ConnectionEnd {
        detail = detail == null ? "" : detail;
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
