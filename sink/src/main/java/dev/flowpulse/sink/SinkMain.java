package dev.flowpulse.sink;

import dev.flowpulse.contract.ConfigException;
import dev.flowpulse.contract.EnvReader;
import dev.flowpulse.runtime.MeterRegistries;
import dev.flowpulse.runtime.MetricsHttpServer;
import dev.flowpulse.runtime.TopicProvisioner;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the sink as a process: reads the environment, creates missing topics, starts
 * {@link SinkService} and serves {@code /metrics} and {@code /health}. Exits 2 on bad
 * configuration, 1 if the consumer stops on its own; SIGTERM closes everything cleanly.
 */
public final class SinkMain {

    private static final Logger log = LoggerFactory.getLogger(SinkMain.class);

    private SinkMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        SinkConfig config;
        try {
            config = SinkConfig.fromEnv(env);
            TopicProvisioner.ensureFromEnv(new EnvReader(env), config.topics(), config.kafka());
        } catch (ConfigException e) {
            log.error("{}", e.getMessage());
            System.exit(2);
            return;
        }
        PrometheusMeterRegistry registry = MeterRegistries.prometheus(env);
        SinkService service = new SinkService(config, registry);
        service.start();
        MetricsHttpServer http =
                MetricsHttpServer.start(config.httpHost(), config.httpPort(), registry, service::health);
        AtomicBoolean stopping = new AtomicBoolean();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stopping.set(true);
                            http.close();
                            service.close();
                        },
                        "flowpulse-sink-shutdown"));
        service.join();
        if (!stopping.get()) {
            log.error("Totals consumer stopped unexpectedly; exiting");
            http.close();
            service.close();
            System.exit(1);
        }
    }
}
