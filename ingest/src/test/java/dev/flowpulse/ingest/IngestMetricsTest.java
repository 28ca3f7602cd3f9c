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
        metrics.reconnect("protocol_error", "1002");

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
                        "flowpulse_ingest_last_event_occurred_seconds 1.777885662315E9",
                        "flowpulse_ingest_reconnects_total{cause=\"protocol_error\",code=\"1002\"} 1.0",
                        "flowpulse_ingest_reconnects_total{cause=\"tcp_drop\",code=\"none\"} 0.0",
                        "# TYPE flowpulse_ingest_seconds_since_last_event gauge");
    }

    @Test
    void shouldCountSecondsSinceTheLastPublishedEventOnTheProcessClock() {
        Instant[] now = {Instant.parse("2026-05-04T09:00:00Z")};
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        IngestMetrics timed = new IngestMetrics(own, clock);
        assertThat(own.get("flowpulse.ingest.seconds.since.last.event").gauge().value())
                .isNaN();

        timed.eventPublished(Instant.parse("2026-05-04T08:00:00Z")); // occurred long ago: irrelevant
        now[0] = now[0].plusSeconds(42);

        assertThat(own.get("flowpulse.ingest.seconds.since.last.event").gauge().value())
                .isEqualTo(42.0);
    }

    @Test
    void shouldLabelEverySeriesOfASourceWithItsWorkspace() {
        PrometheusMeterRegistry shared = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        IngestMetrics alpha = new IngestMetrics(IngestService.tagged(shared, "alpha"));
        IngestMetrics beta = new IngestMetrics(IngestService.tagged(shared, "beta"));
        alpha.eventPublished(Instant.ofEpochSecond(1));
        beta.connectAttempt(IngestMetrics.CONNECT_ERROR);

        assertThat(shared.scrape())
                .contains(
                        "flowpulse_ingest_events_published_total{workspace=\"alpha\"} 1.0",
                        "flowpulse_ingest_events_published_total{workspace=\"beta\"} 0.0",
                        "flowpulse_ingest_connects_total{outcome=\"error\",workspace=\"beta\"} 1.0");
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
