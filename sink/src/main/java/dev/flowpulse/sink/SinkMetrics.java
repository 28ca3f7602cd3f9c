package dev.flowpulse.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's own operational meters ({@code flowpulse_sink_*}) in Micrometer, and the rule that a
 * rejected record is logged once per reason at WARN and counted every time.
 *
 * <p>Lifecycle: meters are registered by the constructor (counters pre-created at zero for every
 * topic and reason, so rates and alerts work from the first scrape) and removed by {@link #close},
 * so a new sink can register them again on a shared registry. Thread safe.
 */
final class SinkMetrics implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SinkMetrics.class);

    /** The {@code family} label values: the Prometheus names of the served families. */
    static final List<String> FAMILIES = List.of(
            "prefect_flow_run_states_total",
            "prefect_flow_runs_finished_total",
            "prefect_flow_runs_finished_unknown_duration_total",
            "prefect_flow_run_duration_seconds");

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Map<String, Counter> consumed = new ConcurrentHashMap<>();
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
    private final Set<RejectReason> logged = ConcurrentHashMap.newKeySet();

    SinkMetrics(
            MeterRegistry registry,
            List<String> topics,
            TotalsCollector collector,
            BooleanSupplier caughtUp,
            DoubleSupplier lagRecords) {
        this.registry = registry;
        for (String topic : topics) {
            consumed.put(
                    topic,
                    keep(Counter.builder("flowpulse.sink.records.consumed")
                            .description("Records read from the totals topics, including rejected ones")
                            .tag("topic", topic)
                            .register(registry)));
            for (RejectReason reason : RejectReason.values()) {
                rejected.put(
                        key(topic, reason),
                        keep(Counter.builder("flowpulse.sink.records.rejected")
                                .description("Totals-topic records skipped instead of served, by reason")
                                .tag("topic", topic)
                                .tag("reason", reason.label())
                                .register(registry)));
            }
        }
        for (String family : FAMILIES) {
            seriesGauge(family, () -> collector.servedSeries(family));
            keep(FunctionCounter.builder("flowpulse.sink.series.folded", collector, c -> c.folded(family))
                    .description("Source series served under other labels (__overflow__) by the cardinality guard:"
                            + " refused by FLOWPULSE_SINK_ALLOW_*/DENY_* or beyond FLOWPULSE_SINK_MAX_SERIES")
                    .tag("family", family)
                    .register(registry));
        }
        keep(Gauge.builder("flowpulse.sink.caught.up", caughtUp, c -> c.getAsBoolean() ? 1 : 0)
                .description("1 once the sink has read the totals topics up to the end offsets seen at start")
                .strongReference(true)
                .register(registry));
        keep(Gauge.builder("flowpulse.sink.consumer.lag.records", lagRecords, DoubleSupplier::getAsDouble)
                .description("Records the sink has not read yet on the totals topics, as last reported by the broker")
                .strongReference(true)
                .register(registry));
    }

    void consumed(String topic) {
        consumed.get(topic).increment();
    }

    /** Counts the rejection; logs the first of each reason at WARN (a bad producer repeats itself). */
    void rejected(String topic, int partition, long offset, RejectReason reason, String detail) {
        rejected.computeIfAbsent(
                        key(topic, reason),
                        k -> keep(Counter.builder("flowpulse.sink.records.rejected")
                                .description("Totals-topic records skipped instead of served, by reason")
                                .tag("topic", topic)
                                .tag("reason", reason.label())
                                .register(registry)))
                .increment();
        if (logged.add(reason)) {
            log.warn(
                    "Skipping record {}-{}@{} ({}): {}; further '{}' rejections are only counted in "
                            + "flowpulse_sink_records_rejected_total",
                    topic,
                    partition,
                    offset,
                    reason.label(),
                    detail,
                    reason.label());
        }
    }

    private void seriesGauge(String family, IntSupplier size) {
        keep(Gauge.builder("flowpulse.sink.series", size, IntSupplier::getAsInt)
                .description("Series the sink currently serves, by metric family")
                .tag("family", family)
                .strongReference(true)
                .register(registry));
    }

    private synchronized <M extends Meter> M keep(M meter) {
        meters.add(meter);
        return meter;
    }

    private static String key(String topic, RejectReason reason) {
        return topic + '\u0000' + reason.label();
    }

    @Override
    public synchronized void close() {
        meters.forEach(registry::remove);
        meters.clear();
    }
}
