package dev.flowpulse.local;

import dev.flowpulse.broker.EmbeddedKafkaBroker;
import dev.flowpulse.contract.ConfigException;
import dev.flowpulse.contract.EnvReader;
import dev.flowpulse.runtime.MeterRegistries;
import dev.flowpulse.runtime.MetricsHttpServer;
import dev.flowpulse.simulator.LiveTraffic;
import dev.flowpulse.simulator.PrefectSimulator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-command local run: an in-process KRaft broker (unless {@code KAFKA_BOOTSTRAP_SERVERS} is
 * set), the Prefect simulator with live traffic (unless {@code PREFECT_API_URL} is set), and the
 * whole pipeline, serving {@code /metrics} and {@code /health}. Prints the metrics URL once the
 * pipeline is healthy; Ctrl-C stops everything in reverse order.
 */
public final class LocalMain {

    private static final Logger log = LoggerFactory.getLogger(LocalMain.class);

    private LocalMain() {}

    public static void main(String[] args) {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            log.info("Stopping flowpulse");
                            closeAll(started);
                            stopped.countDown();
                        },
                        "flowpulse-shutdown"));
        int exit = 0;
        try {
            run(new HashMap<>(System.getenv()), started);
            stopped.await();
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            exit = 2;
        } catch (Exception e) {
            log.error("flowpulse failed to start: {}", e.toString(), e);
            exit = 1;
        }
        if (exit != 0) {
            closeAll(started);
            System.exit(exit);
        }
    }

    static void run(Map<String, String> env, Deque<AutoCloseable> started) throws Exception {
        EnvReader reader = new EnvReader(env);
        Path home = Path.of(reader.string("FLOWPULSE_LOCAL_DIR", ".flowpulse/local"));
        long seed = reader.integer("FLOWPULSE_SIMULATOR_SEED", 42, 0);
        String rate = reader.string("FLOWPULSE_SIMULATOR_RUNS_PER_SECOND", "2");
        String host = reader.string("FLOWPULSE_SINK_HTTP_HOST", "127.0.0.1");
        int port = reader.integer("FLOWPULSE_SINK_HTTP_PORT", 9400, 0);
        double runsPerSecond = parseRate(reader, rate);
        reader.check();

        if (env.get("KAFKA_BOOTSTRAP_SERVERS") == null
                || env.get("KAFKA_BOOTSTRAP_SERVERS").isBlank()) {
            // A fresh embedded broker each run, so the streams state that matches it starts fresh too.
            deleteRecursively(home);
            env.putIfAbsent("FLOWPULSE_STATE_DIR", home.resolve("streams-state").toString());
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(home.resolve("broker"));
            started.push(broker);
            env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
            log.info("Embedded Kafka broker at {}", broker.bootstrapServers());
        }
        if (env.get("PREFECT_API_URL") == null || env.get("PREFECT_API_URL").isBlank()) {
            PrefectSimulator simulator = PrefectSimulator.builder().build().start();
            started.push(simulator);
            LiveTraffic traffic = simulator.startLiveTraffic(seed, runsPerSecond);
            started.push(traffic);
            env.put("PREFECT_API_URL", simulator.apiUrl().toString());
            log.info("Prefect simulator at {} (seed {}, {} runs/s)", simulator.apiUrl(), seed, runsPerSecond);
        }
        env.putIfAbsent("FLOWPULSE_STATE_DIR", home.resolve("streams-state").toString());

        PrometheusMeterRegistry registry = MeterRegistries.prometheus(env);
        Pipeline pipeline = Pipeline.start(env, registry);
        started.push(pipeline);
        MetricsHttpServer http = bind(host, port, registry, pipeline);
        started.push(http);

        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!pipeline.health().up() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        if (pipeline.health().up()) {
            System.out.println("flowpulse is up: " + http.metricsUri() + "  (health: "
                    + http.baseUri().resolve("/health") + ")");
        } else {
            System.out.println("flowpulse started but is not healthy yet ("
                    + pipeline.health().detail() + "): " + http.metricsUri());
        }
        System.out.flush();
    }

    private static MetricsHttpServer bind(String host, int port, PrometheusMeterRegistry registry, Pipeline pipeline)
            throws IOException {
        try {
            return MetricsHttpServer.start(host, port, registry, pipeline::health);
        } catch (BindException e) {
            log.warn("Port {} is taken; serving on a free port instead", port);
            return MetricsHttpServer.start(host, 0, registry, pipeline::health);
        }
    }

    private static double parseRate(EnvReader reader, String rate) {
        try {
            double r = Double.parseDouble(rate);
            if (r > 0) {
                return r;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        reader.problem("FLOWPULSE_SIMULATOR_RUNS_PER_SECOND must be a positive number, got '" + rate + "'");
        return 1;
    }

    private static void closeAll(Deque<AutoCloseable> started) {
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            try {
                c.close();
            } catch (Exception e) {
                log.warn("Stopping {} failed: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
