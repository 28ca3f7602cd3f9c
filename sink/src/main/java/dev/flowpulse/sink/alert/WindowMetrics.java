package dev.flowpulse.sink.alert;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Self-metrics of the alerting view's consumer ({@code flowpulse_sink_window_*}): how far it is
 * behind the window and in-progress topics, what it applied, and how fresh its data is.
 * {@link #close} removes them.
 */
public final class WindowMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final List<Meter> meters;
    // a FunctionCounter holds its object weakly: these fields keep the suppliers alive as long as
    // the metrics (else a collected supplier freezes the counter at its last value)
    private final LongSupplier applied;
    private final LongSupplier rejected;

    public WindowMetrics(
            MeterRegistry registry,
            BooleanSupplier caughtUp,
            DoubleSupplier lagRecords,
            LongSupplier applied,
            LongSupplier rejected,
            DoubleSupplier secondsSinceUpdate) {
        this.registry = registry;
        this.applied = applied;
        this.rejected = rejected;
        this.meters = List.of(
                Gauge.builder("flowpulse.sink.window.caught_up", () -> caughtUp.getAsBoolean() ? 1 : 0)
                        .description("1 once the window and in-progress topics were read up to the end offsets seen"
                                + " at start (alerts are evaluated from then on), else 0")
                        .register(registry),
                Gauge.builder("flowpulse.sink.window.consumer_lag_records", lagRecords::getAsDouble)
                        .description("Records not read yet on the window and in-progress topics, as last reported by"
                                + " the broker (NaN before the first fetch)")
                        .register(registry),
                FunctionCounter.builder("flowpulse.sink.window.records_applied", this.applied, LongSupplier::getAsLong)
                        .description("Records of the window and in-progress topics applied to the alerting view")
                        .register(registry),
                FunctionCounter.builder(
                                "flowpulse.sink.window.records_rejected", this.rejected, LongSupplier::getAsLong)
                        .description("Records of the window and in-progress topics skipped as unreadable")
                        .register(registry),
                Gauge.builder("flowpulse.sink.window.seconds_since_update", secondsSinceUpdate::getAsDouble)
                        .description("Seconds since the last record of the window and in-progress topics was"
                                + " applied (NaN before the first)")
                        .register(registry));
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
    }
}
