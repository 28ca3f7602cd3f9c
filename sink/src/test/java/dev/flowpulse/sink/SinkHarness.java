package dev.flowpulse.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowpulse.broker.EmbeddedKafkaBroker;
import dev.flowpulse.runtime.MetricsHttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real sink as a process would run it (config from an environment map, its own registry,
 * {@code MetricsHttpServer} on 127.0.0.1 port 0), plus an HTTP client for its endpoints.
 */
final class SinkHarness implements AutoCloseable {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final SinkService service;
    private final MetricsHttpServer http;

    private SinkHarness(SinkService service, MetricsHttpServer http) {
        this.service = service;
        this.http = http;
    }

    static SinkHarness start(
            EmbeddedKafkaBroker broker, String stateTotals, String finishedTotals, Map<String, String> extraEnv)
            throws IOException {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("FLOWPULSE_TOPIC_STATE_TOTALS", stateTotals);
        env.put("FLOWPULSE_TOPIC_FINISHED_TOTALS", finishedTotals);
        env.put("FLOWPULSE_SINK_HTTP_HOST", "127.0.0.1");
        env.putIfAbsent("FLOWPULSE_SINK_HTTP_PORT", "0"); // a fixed one lets a restarted sink keep its URL
        env.putIfAbsent("FLOWPULSE_SINK_POLL_TIMEOUT", "100ms");
        SinkConfig config = SinkConfig.fromEnv(env);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SinkService service = new SinkService(config, registry);
        service.start();
        try {
            return new SinkHarness(
                    service, MetricsHttpServer.start(config.httpHost(), config.httpPort(), registry, service::health));
        } catch (IOException | RuntimeException e) {
            service.close();
            throw e;
        }
    }

    SinkService service() {
        return service;
    }

    String scrape() {
        return get(http.metricsUri()).body();
    }

    int healthStatus() {
        return get(http.baseUri().resolve("/health")).statusCode();
    }

    /** Scrapes until every line is present (exactly, as a whole line); returns that scrape. */
    String awaitLines(Collection<String> lines, Duration timeout) {
        AtomicReference<String> scraped = new AtomicReference<>("");
        await("/metrics showing " + lines.size() + " lines")
                .atMost(timeout)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    scraped.set(scrape());
                    assertThat(scraped.get().lines().toList())
                            .as("lines of the last scrape")
                            .containsAll(lines);
                });
        return scraped.get();
    }

    /** Polls {@code /health} until it answers 200. */
    void awaitHealthy(Duration timeout) {
        await("/health UP")
                .atMost(timeout)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(healthStatus())
                        .as("GET /health while the service reports %s", service.health())
                        .isEqualTo(200));
    }

    private static HttpResponse<String> get(URI uri) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofSeconds(5))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + uri + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    @Override
    public void close() {
        http.close();
        service.close();
    }
}
