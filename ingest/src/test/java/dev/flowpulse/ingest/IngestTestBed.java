package dev.flowpulse.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.broker.EmbeddedKafkaBroker;
import dev.flowpulse.simulator.Scenario;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the ingest integration tests share: the environment of an ingest process that reads a
 * Prefect simulator and writes to a test broker (topic names of the test's own, timings short
 * enough for a test), scenarios placed in the recent past, and small readers of events and meters.
 * Stateless.
 */
public final class IngestTestBed {

    private IngestTestBed() {}

    /**
     * The variables of one ingest source reading {@code apiUrl} (with {@code authString}, null for
     * none) into {@code broker}: {@link #sharedEnv} plus the URL and credential. Mutable: a test
     * puts its own settings over these.
     */
    public static Map<String, String> env(URI apiUrl, String authString, EmbeddedKafkaBroker broker, String suffix) {
        Map<String, String> env = sharedEnv(broker, suffix);
        env.put("PREFECT_API_URL", apiUrl.toString());
        if (authString != null) {
            env.put("PREFECT_API_AUTH_STRING", authString);
        }
        return env;
    }

    /**
     * What every source of an ingest process shares (no Prefect URL or credential): the broker;
     * raw, dead-letter, cursor and history topics named {@code raw-<suffix>}, {@code dlq-<suffix>},
     * {@code cursor-<suffix>}, {@code history-<suffix>}; reconnects, REST retries, cursor commits
     * and the first-event wait shortened. Mutable.
     */
    public static Map<String, String> sharedEnv(EmbeddedKafkaBroker broker, String suffix) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("KAFKA_LINGER_MS", "5");
        env.put("FLOWPULSE_TOPIC_RAW_EVENTS", "raw-" + suffix);
        env.put("FLOWPULSE_TOPIC_DEAD_LETTERS", "dlq-" + suffix);
        env.put("FLOWPULSE_TOPIC_INGEST_CURSOR", "cursor-" + suffix);
        env.put("FLOWPULSE_TOPIC_FLOW_RUN_HISTORY", "history-" + suffix);
        env.put("FLOWPULSE_INGEST_CURSOR_COMMIT_INTERVAL", "200ms");
        env.put("FLOWPULSE_INGEST_GAP_FIRST_EVENT_WAIT", "1s");
        env.put("FLOWPULSE_INGEST_RECONNECT_MIN", "20ms");
        env.put("FLOWPULSE_INGEST_RECONNECT_MAX", "300ms");
        env.put("FLOWPULSE_INGEST_REST_BACKOFF_MIN", "20ms");
        env.put("FLOWPULSE_INGEST_REST_BACKOFF_MAX", "200ms");
        return env;
    }

    /** Every event of the scenario lies 10.5 to 0.5 minutes ago: all in the past, all backfillable by default. */
    public static Scenario recentScenario(long seed, int runs) {
        return Scenario.generate(seed, runs, Instant.now().minus(Scenario.SPAN).minusSeconds(30));
    }

    public static Set<String> ids(List<ObjectNode> events) {
        return events.stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
    }

    public static Instant newest(List<ObjectNode> events) {
        return events.stream()
                .map(e -> Instant.parse(e.get("occurred").asText()))
                .max(Instant::compareTo)
                .orElseThrow();
    }

    /** {@code flowpulse.ingest.connects{outcome}}. */
    public static double connects(MeterRegistry registry, String outcome) {
        return registry.get("flowpulse.ingest.connects")
                .tag("outcome", outcome)
                .counter()
                .count();
    }
}
