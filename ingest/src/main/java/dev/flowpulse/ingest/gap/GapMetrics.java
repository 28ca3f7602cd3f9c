package dev.flowpulse.ingest.gap;

import dev.flowpulse.ingest.Counters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;

/**
 * Meters of recovery through {@code /events/filter}, by reason: {@code start} (first
 * subscription), {@code reconnect}, {@code reread} (periodic re-read), {@code repair} (a
 * {@code follows} pointing at an unseen event), {@code late} (the late-arrival check of the trailing
 * window and the full read it triggers). Series exist at 0 from the start. Thread safe.
 */
public final class GapMetrics {

    public static final String START = "start";
    public static final String RECONNECT = "reconnect";
    public static final String REREAD = "reread";
    public static final String REPAIR = "repair";
    public static final String LATE = "late";

    private final MeterRegistry registry;
    private final DistributionSummary spanSeconds;
    private final Counter unreachableSeconds;
    private final Counter suspectedDrops;

    public GapMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String reason : new String[] {START, RECONNECT, REREAD, REPAIR, LATE}) {
            fills(reason, "success");
            fills(reason, "failure");
            events(reason);
        }
        spanSeconds = DistributionSummary.builder("flowpulse.ingest.gap.fill.seconds")
                .description("Size of each span read from /events/filter at start or after a reconnect (seconds of"
                        + " occurred time between the resume point and the websocket's first event)")
                .baseUnit("seconds")
                .register(registry);
        unreachableSeconds = Counter.builder("flowpulse.ingest.gap.unreachable.seconds")
                .description("Seconds of a gap older than Prefect's query window (FLOWPULSE_INGEST_QUERY_WINDOW): lost")
                .register(registry);
        suspectedDrops = Counter.builder("flowpulse.ingest.drops.suspected")
                .description("Websocket events whose 'follows' names an event ingest never saw (repaired by a re-read)")
                .register(registry);
    }

    public void filled(String reason, boolean success, int recovered, Duration span, Duration unreachable) {
        fills(reason, success ? "success" : "failure").increment();
        events(reason).increment(recovered);
        if (reason.equals(START) || reason.equals(RECONNECT)) {
            spanSeconds.record(span.toMillis() / 1000.0);
        }
        unreachableSeconds.increment(unreachable.toMillis() / 1000.0);
    }

    public void suspectedDrop() {
        suspectedDrops.increment();
    }

    private Counter fills(String reason, String outcome) {
        return Counters.of(
                registry,
                "flowpulse.ingest.gap.fills",
                "Spans read from /events/filter to recover events, by reason and outcome",
                "reason",
                reason,
                "outcome",
                outcome);
    }

    private Counter events(String reason) {
        return Counters.of(
                registry,
                "flowpulse.ingest.gap.fill.events",
                "Events recovered from /events/filter that the websocket had not delivered, by reason",
                "reason",
                reason);
    }
}
