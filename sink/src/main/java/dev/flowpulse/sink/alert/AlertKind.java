package dev.flowpulse.sink.alert;

import java.util.Arrays;
import java.util.Optional;

/**
 * What an alert rule watches; {@link #key()} is the rule file's {@code kind}. The kind decides what
 * {@code threshold} means (a ratio, a count or a duration) and whether the rule has a
 * {@code window}.
 */
public enum AlertKind {
    /** (FAILED + CRASHED) / finished above {@code threshold} over the window, with at least {@code min_finished} finished. */
    FAILURE_RATIO("failure_ratio", Threshold.RATIO, true),
    /** At least {@code threshold} runs finished FAILED or CRASHED within the window. */
    FAILURES("failures", Threshold.COUNT, true),
    /** A run that finished within the window spent longer than {@code threshold} RUNNING. */
    SLOW_RUN("slow_run", Threshold.DURATION, true),
    /** The p95 of the RUNNING time of runs finished within the window (from the histogram buckets) is above {@code threshold}. */
    DURATION_P95("duration_p95", Threshold.DURATION, true),
    /** A run has been RUNNING for longer than {@code threshold} (now, no window). */
    STUCK("stuck", Threshold.DURATION, false),
    /** No run finished COMPLETED for longer than {@code threshold} (no window). */
    NO_SUCCESS("no_success", Threshold.DURATION, false);

    /** How a kind's {@code threshold} is written and compared. */
    public enum Threshold {
        RATIO,
        COUNT,
        DURATION
    }

    private final String key;
    private final Threshold threshold;
    private final boolean windowed;

    AlertKind(String key, Threshold threshold, boolean windowed) {
        this.key = key;
        this.threshold = threshold;
        this.windowed = windowed;
    }

    public String key() {
        return key;
    }

    public Threshold threshold() {
        return threshold;
    }

    /** True if the rule needs a {@code window}; the others must not have one. */
    public boolean windowed() {
        return windowed;
    }

    public static Optional<AlertKind> of(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }
}
