package dev.flowpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IngestMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final IngestMetrics metrics = new IngestMetrics(registry);

    @Test
    void shouldExposeEveryMeterUnderItsPrometheusName() {
        metrics.messageReceived();
        metrics.eventPublished(Instant.parse("2026-05-04T09:07:42.315Z"));
        metrics.eventSkipped(IngestMetrics.SKIP_DUPLICATE);
        metrics.deadLetter("malformed-json");
        metrics.publishError();
        metrics.connectAttempt(IngestMetrics.CONNECT_AUTH_FAILED);
        metrics.connected(true);

        String text = registry.scrape();

        assertThat(text)
                .contains(
                        "# HELP flowpulse_ingest_messages_received_total Complete text messages received",
                        "# TYPE flowpulse_ingest_messages_received_total counter",
                        "flowpulse_ingest_messages_received_total 1.0",
                        "flowpulse_ingest_events_published_total 1.0",
                        "flowpulse_ingest_events_skipped_total{reason=\"duplicate\"} 1.0",
                        "flowpulse_ingest_events_skipped_total{reason=\"not_a_state_change\"} 0.0",
                        "flowpulse_ingest_dead_letters_total{reason=\"malformed-json\"} 1.0",
                        "flowpulse_ingest_publish_errors_total 1.0",
                        "flowpulse_ingest_connects_total{outcome=\"auth_failed\"} 1.0",
                        "flowpulse_ingest_connects_total{outcome=\"success\"} 0.0",
                        "flowpulse_ingest_connects_total{outcome=\"error\"} 0.0",
                        "# TYPE flowpulse_ingest_connected gauge",
                        "flowpulse_ingest_connected 1.0",
                        "# TYPE flowpulse_ingest_last_event_occurred_seconds gauge",
                        "flowpulse_ingest_last_event_occurred_seconds 1.777885662315E9");
    }

    @Test
    void shouldKeepTheNewestOccurredTime() {
        metrics.eventPublished(Instant.ofEpochSecond(2_000));
        metrics.eventPublished(Instant.ofEpochSecond(1_000));

        assertThat(registry.get("flowpulse.ingest.last.event.occurred.seconds")
                        .gauge()
                        .value())
                .isEqualTo(2_000);
    }
}
