package dev.flowpulse.contract;

import java.util.Locale;
import java.util.Optional;

/**
 * Prefect's {@code StateType} enum (src/prefect/server/schemas/states.py). Logic keys on the type;
 * state names ({@code Late}, {@code AwaitingRetry}, custom names) are display text.
 */
public enum StateType {
    SCHEDULED,
    PENDING,
    RUNNING,
    COMPLETED,
    FAILED,
    CANCELLED,
    CRASHED,
    PAUSED,
    CANCELLING;

    /** COMPLETED, FAILED, CANCELLED and CRASHED end a run (Prefect's {@code TERMINAL_STATES}). */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED || this == CRASHED;
    }

    /** FAILED and CRASHED count as failures in failure ratios; a cancellation is a decision, not a failure. */
    public boolean isFailure() {
        return this == FAILED || this == CRASHED;
    }

    /** Parses Prefect's wire value; empty for anything Prefect does not define. */
    public static Optional<StateType> parse(String wire) {
        if (wire == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(wire.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
