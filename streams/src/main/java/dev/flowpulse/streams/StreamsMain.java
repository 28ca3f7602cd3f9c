package dev.flowpulse.streams;

import dev.flowpulse.contract.ConfigException;
import dev.flowpulse.contract.EnvReader;
import dev.flowpulse.runtime.MeterRegistries;
import dev.flowpulse.runtime.MetricsHttpServer;
import dev.flowpulse.runtime.TopicProvisioner;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the streams service: config from the environment, topics ensured, the topology
 * started, {@code /metrics} and {@code /health} served on {@code FLOWPULSE_STREAMS_HTTP_PORT}
 * (9402). Exits 2 on bad configuration and 1 when the streams client failed; a shutdown signal
 * closes everything and lets the JVM end.
 */
public final class StreamsMain {

    private static final Logger log = LoggerFactory.getLogger(StreamsMain.class);

    private StreamsMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        StreamsServiceConfig config;
        try {
            config = StreamsServiceConfig.fromEnv(env);
            TopicProvisioner.ensureFromEnv(new EnvReader(env), config.topics(), config.kafkaProperties());
        } catch (ConfigException e) {
            log.error("{}", e.getMessage());
            System.exit(2);
            return;
        }
        log.info("Starting flowpulse streams with {}", config);
        PrometheusMeterRegistry registry = MeterRegistries.prometheus(env);
        StreamsService service = new StreamsService(config, registry);
        service.start();
        MetricsHttpServer http =
                MetricsHttpServer.start(config.httpHost(), config.httpPort(), registry, service::health);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            http.close();
                            service.close();
                        },
                        "flowpulse-streams-shutdown"));
        while (!service.awaitTermination(Duration.ofSeconds(1))) {
            // the streams client runs on its own threads
        }
        if (service.failure().isPresent()) {
            http.close();
            service.close();
            System.exit(1);
        }
    }
}
