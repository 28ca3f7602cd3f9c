package dev.flowpulse.contract;

/**
 * A credential (API key, auth string). {@link #toString()} never reveals it, so a secret that
 * slips into a log line, an exception or a config dump prints as {@code ****}.
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** Null or blank means "no secret". */
    public static Secret ofNullable(String value) {
        return value == null || value.isBlank() ? null : new Secret(value);
    }

    /** The only way to the value: call it where the credential is put on the wire, nowhere else. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }
}
