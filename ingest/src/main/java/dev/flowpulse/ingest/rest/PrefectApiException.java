package dev.flowpulse.ingest.rest;

/**
 * A Prefect REST call that did not produce a usable answer. The message names the endpoint and
 * the status, never a credential, a header or a request body.
 */
public class PrefectApiException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;

    public PrefectApiException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The last HTTP status, or 0 when no response arrived (timeout, connection refused). */
    public int status() {
        return status;
    }

    /** Prefect rejected the credential (401/403): calls are refused until a slow retry is due. */
    public static final class AuthFailed extends PrefectApiException {
        private static final long serialVersionUID = 1L;

        public AuthFailed(String message, int status) {
            super(message, status);
        }
    }

    /** Retries for 429, 5xx or timeouts ran out: Prefect is unavailable for now. */
    public static final class Unavailable extends PrefectApiException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message, int status) {
            super(message, status);
        }
    }
}
