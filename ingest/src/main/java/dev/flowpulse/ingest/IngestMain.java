package dev.flowpulse.ingest;

import dev.flowpulse.contract.ConfigException;
import dev.flowpulse.contract.EnvReader;
import dev.flowpulse.runtime.MeterRegistries;
import dev.flowpulse.runtime.MetricsHttpServer;
import dev.flowpulse.runtime.TopicProvisioner;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs ingest as a process: configuration from the environment, topics ensured, the service
 * started, {@code /metrics} and {@code /health} on {@code FLOWPULSE_INGEST_HTTP_HOST}:{@code
 * FLOWPULSE_INGEST_HTTP_PORT} (default 0.0.0.0:9401), a shutdown hook that closes everything.
 * Only this class exits the JVM: 2 on bad configuration, 1 when start-up fails.
 */
public final class IngestMain {

    private static final Logger log = LoggerFactory.getLogger(IngestMain.class);

    private IngestMain() {}

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        IngestConfig config;
        try {
            config = IngestConfig.fromEnv(env);
            TopicProvisioner.ensureFromEnv(new EnvReader(env), config.topics(), config.kafka());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            log.error("Cannot prepare topics: {}", e.getMessage());
            System.exit(1);
            return;
        }
        PrometheusMeterRegistry registry = MeterRegistries.prometheus(env);
        IngestService service = new IngestService(config, registry);
        MetricsHttpServer http;
        try {
            service.start();
            http = MetricsHttpServer.start(config.httpHost(), config.httpPort(), registry, service::health);
        } catch (Exception e) {
            log.error("Ingest failed to start: {}", e.toString());
            service.close();
            System.exit(1);
            return;
        }
        MetricsHttpServer server = http;
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            service.close();
                        },
                        "ingest-shutdown"));
    }
}
