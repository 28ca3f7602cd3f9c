package dev.flowpulse.ingest;

import dev.flowpulse.runtime.ConfigCheck;
import dev.flowpulse.runtime.LogLevel;
import dev.flowpulse.runtime.MeterRegistries;
import dev.flowpulse.runtime.MetricsEndpoint;
import dev.flowpulse.runtime.Service;
import dev.flowpulse.runtime.ServiceRunner;
import dev.flowpulse.runtime.TopicProvisioner;
import dev.flowpulse.runtime.TopicSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;

/**
 * Runs ingest (one or several Prefect sources, {@link IngestSources}) as a process ({@code java -jar flowpulse-ingest.jar}) through {@link ServiceRunner}:
 * every variable validated at once (exit 2), then missing topics created, the service started and
 * {@code /metrics} + {@code /health} served on {@code FLOWPULSE_INGEST_HTTP_HOST}:{@code
 * FLOWPULSE_INGEST_HTTP_PORT} (default 0.0.0.0:9401) until SIGTERM (exit 0) or a fatal error
 * (exit 1). Only this class exits the JVM.
 */
public final class IngestMain {

    private IngestMain() {}

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        LogLevel.configure(env); // before the first logger
        System.exit(new ServiceRunner("flowpulse ingest").run(env, IngestMain::services));
    }

    /** Ingest's configuration, topic settings and metrics switch in one pass; then its services in start order. */
    static List<Service> services(Map<String, String> env) {
        ConfigCheck check = new ConfigCheck();
        IngestSources sources = check.read(() -> IngestSources.fromEnv(env));
        TopicSettings topics = check.read(() -> TopicSettings.fromEnv(env));
        PrometheusMeterRegistry registry = check.read(() -> MeterRegistries.prometheus(env));
        check.check();
        IngestConfig config = sources.first(); // Kafka, topics and HTTP are shared by every source
        IngestService ingest = new IngestService(sources, registry);
        return List.of(
                TopicProvisioner.service(topics, config.topics(), config.kafka()),
                Service.of("ingest", ingest::start, ingest::close),
                new MetricsEndpoint(config.httpHost(), config.httpPort(), registry, ingest::health));
    }
}
