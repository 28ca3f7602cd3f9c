package dev.flowpulse.sink;

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
import java.util.List;
import java.util.Map;

/**
 * Runs the sink as a process ({@code java -jar flowpulse-sink.jar}) through {@link ServiceRunner}:
 * every variable validated at once (exit 2), then missing topics created, {@link SinkService}
 * started and {@code /metrics} + {@code /health} served until SIGTERM (exit 0). If the totals
 * consumer stops on its own, everything is closed and the process exits 1.
 */
public final class SinkMain {

    private SinkMain() {}

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        LogLevel.configure(env); // before the first logger
        System.exit(new ServiceRunner("flowpulse sink").run(env, SinkMain::services));
    }

    /** The sink configuration, topic settings and metrics switch in one pass; then the services in start order. */
    static List<Service> services(Map<String, String> env) {
        ConfigCheck check = new ConfigCheck();
        SinkConfig config = check.read(() -> SinkConfig.fromEnv(env));
        TopicSettings topics = check.read(() -> TopicSettings.fromEnv(env));
        PrometheusMeterRegistry registry = check.read(() -> MeterRegistries.prometheus(env));
        check.check();
        SinkService sink = new SinkService(config, registry);
        return List.of(
                TopicProvisioner.service(topics, config.topics(), config.kafka()),
                watched(sink),
                new MetricsEndpoint(config.httpHost(), config.httpPort(), registry, sink::health));
    }

    /** The sink as a service whose consumer thread ending on its own is fatal. */
    public static Service watched(SinkService sink) {
        return new WatchedService(
                "sink",
                sink::start,
                () -> {
                    sink.join();
                    return new IllegalStateException(sink.health().detail());
                },
                sink::close);
    }
}
