package dev.flowpulse.sink;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A collector's last {@link MetricSnapshots}, kept while the state they were built from is
 * unchanged: a scrape that sees the same key gets the very same snapshot objects, which the HTTP
 * endpoint ({@code dev.flowpulse.runtime.ExpositionText}) recognizes and serves without rendering
 * them again. Most scrapes see no change, so a 10,000-series page costs a copy instead of a render.
 *
 * <p>The key must be read <em>before</em> building (a change during the build then makes the next
 * scrape build again), and must cover everything the snapshots depend on: a table's change count,
 * and for trailing windows the slices that hold now. Thread safe.
 */
final class SnapshotCache {

    private record Entry(Object key, MetricSnapshots snapshots) {}

    private volatile Entry last;

    /** The snapshots held for {@code key}, or those {@code build} makes (then held for it). */
    MetricSnapshots get(Object key, Supplier<MetricSnapshots> build) {
        Objects.requireNonNull(key, "key");
        Entry e = last;
        if (e != null && e.key().equals(key)) {
            return e.snapshots();
        }
        MetricSnapshots built = build.get();
        last = new Entry(key, built);
        return built;
    }
}
