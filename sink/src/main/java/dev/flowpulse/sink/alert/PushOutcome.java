package dev.flowpulse.sink.alert;

/** How one {@code POST /api/v2/alerts} ended; {@link #label()} is the {@code outcome} metric label. */
public enum PushOutcome {
    /** 2xx: Alertmanager has the alerts. */
    SUCCESS("success"),
    /** 4xx: Alertmanager refused the request (bad payload, authentication); retried with backoff, logged. */
    REJECTED("rejected"),
    /** 5xx. */
    SERVER_ERROR("server_error"),
    /** No answer within {@code FLOWPULSE_ALERTMANAGER_TIMEOUT}. */
    TIMEOUT("timeout"),
    /** Connection refused, unknown host, reset: nobody to talk to. */
    UNREACHABLE("unreachable");

    private final String label;

    PushOutcome(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
