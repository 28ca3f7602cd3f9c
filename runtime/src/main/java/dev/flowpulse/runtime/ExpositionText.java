package dev.flowpulse.runtime;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code /metrics} page of a registry in the Prometheus text format 0.0.4 (exactly what
 * {@link PrometheusMeterRegistry#scrape()} writes), rendered family by family so that a family
 * whose snapshot is the very object rendered by the previous scrape is not rendered again: its
 * text is copied. Collectors that keep their {@link MetricSnapshot}s while their data is unchanged
 * (the sink's table collectors) are thereby rendered once per change instead of once per scrape;
 * every other family (Micrometer's meters build new snapshots on every scrape) is rendered every
 * time, so it stays live.
 *
 * <p>The text format writes each family on its own (its HELP, TYPE and samples; no created
 * timestamps, which Micrometer's writer leaves out too), so the page is the concatenation of the
 * families' texts in the registry's order.
 *
 * <p>Thread safe: scrapes are serialized (the cache holds the texts of the last one).
 */
public final class ExpositionText {

    /** The content type of the page. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private record Rendered(MetricSnapshot snapshot, byte[] text) {}

    private final PrometheusRegistry registry;
    private final ExpositionFormatWriter writer = ExpositionFormats.init().findWriter(CONTENT_TYPE);
    private Map<String, Rendered> last = Map.of();

    public ExpositionText(PrometheusMeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry").getPrometheusRegistry();
    }

    /** The page as UTF-8 bytes. */
    public synchronized byte[] scrape() {
        MetricSnapshots snapshots = registry.scrape();
        Map<String, Rendered> next = new HashMap<>();
        ByteArrayOutputStream page = new ByteArrayOutputStream(64 * 1024);
        for (MetricSnapshot snapshot : snapshots) {
            String name = snapshot.getMetadata().getPrometheusName();
            Rendered held = last.get(name);
            Rendered r = held != null && held.snapshot() == snapshot ? held : render(snapshot);
            page.writeBytes(r.text());
            next.put(name, r);
        }
        last = next;
        return page.toByteArray();
    }

    private Rendered render(MetricSnapshot snapshot) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.write(out, MetricSnapshots.of(snapshot));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        return new Rendered(snapshot, out.toByteArray());
    }
}
