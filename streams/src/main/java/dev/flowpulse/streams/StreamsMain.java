package dev.flowpulse.streams;

import dev.flowpulse.runtime.ConfigCheck;
import dev.flowpulse.runtime.LogLevel;
import dev.flowpulse.runtime.MeterRegistries;
import dev.flowpulse.runtime.MetricsEndpoint;
import dev.flowpulse.runtime.Service;
import dev.flowpulse.runtime.ServiceRunner;
import dev.flowpulse.runtime.TopicProvisioner;
import dev.flowpulse.runtime.TopicSettings;
import dev.flowpulse.runtime.WatchedService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs the streams service as a process ({@code java -jar flowpulse-streams.jar}) through {@link
 * ServiceRunner}: every variable validated at once (exit 2), then missing topics created, the
 * topology started and {@code /metrics} + {@code /health} served on {@code
 * FLOWPULSE_STREAMS_HTTP_PORT} (9402) until SIGTERM (exit 0). If the streams client dies (a stream
 * thread's uncaught exception shuts it down) everything is closed and the process exits 1.
 */
public final class StreamsMain {

    private StreamsMain() {}

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        LogLevel.configure(env); // before the first logger
        System.exit(new ServiceRunner("flowpulse streams").run(env, StreamsMain::services));
    }

    /** The streams configuration, topic settings and metrics switch in one pass; then the services in start order. */
    static List<Service> services(Map<String, String> env) {
        ConfigCheck check = new ConfigCheck();
        StreamsServiceConfig config = check.read(() -> StreamsServiceConfig.fromEnv(env));
        TopicSettings topics = check.read(() -> TopicSettings.fromEnv(env));
        PrometheusMeterRegistry registry = check.read(() -> MeterRegistries.prometheus(env));
        check.check();
        StreamsService streams = new StreamsService(config, registry);
        return List.of(
                TopicProvisioner.service(topics, config.topics(), config.kafkaProperties()),
                watched(streams),
                new MetricsEndpoint(config.httpHost(), config.httpPort(), registry, streams::health));
    }

    /** The streams client as a service whose end (closed by Streams after a failure) is fatal. */
    public static Service watched(StreamsService streams) {
        return new WatchedService(
                "streams",
                streams::start,
                () -> {
                    while (!streams.awaitTermination(Duration.ofMinutes(1))) {
                        // Kafka Streams runs on its own threads; wake up only when it has stopped
                    }
                    return streams.failure()
                            .orElseGet(() -> new IllegalStateException("the streams client stopped ("
                                    + streams.state().map(Enum::name).orElse("not started") + ")"));
                },
                streams::close);
    }
}
