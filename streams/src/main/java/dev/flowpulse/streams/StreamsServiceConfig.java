package dev.flowpulse.streams;

import dev.flowpulse.contract.EnvReader;
import dev.flowpulse.contract.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Everything the streams service is configured with, read from the environment in one go.
 *
 * <p>Precedence: {@code KAFKA_*} variables pass straight through as Kafka client/streams
 * properties ({@code KAFKA_COMMIT_INTERVAL_MS} → {@code commit.interval.ms}) and win over the
 * {@code FLOWPULSE_*} settings below, except the processing guarantee and the serdes, which the
 * service owns (see {@link StreamsProperties}).
 *
 * @param kafka          the {@code KAFKA_*} properties (may hold credentials: never logged, see {@link #toString()})
 * @param applicationId  {@code FLOWPULSE_STREAMS_APPLICATION_ID}, default {@code flowpulse-streams}
 * @param stateDir       {@code FLOWPULSE_STATE_DIR}, default {@code ./.flowpulse/state}
 * @param topology       {@code FLOWPULSE_WINDOW_SIZE} (5m), {@code FLOWPULSE_WINDOW_GRACE} (15m),
 *                       {@code FLOWPULSE_RUN_STATE_RETENTION} (7d), {@code FLOWPULSE_RUN_STATE_MAX_STATES} (200),
 *                       {@code FLOWPULSE_FINISH_SETTLE_TIMEOUT} (2m)
 * @param threads        {@code FLOWPULSE_STREAMS_THREADS}, default 1
 * @param commitInterval {@code FLOWPULSE_COMMIT_INTERVAL}, default 100ms (Streams' exactly-once default)
 * @param httpHost       {@code FLOWPULSE_STREAMS_HTTP_HOST}, default {@code 0.0.0.0}
 * @param httpPort       {@code FLOWPULSE_STREAMS_HTTP_PORT}, default 9402
 */
public record StreamsServiceConfig(
        Map<String, String> kafka,
        String applicationId,
        Path stateDir,
        TopologySettings topology,
        int threads,
        Duration commitInterval,
        Topics topics,
        String httpHost,
        int httpPort) {

    public static final String DEFAULT_APPLICATION_ID = "flowpulse-streams";
    public static final int DEFAULT_HTTP_PORT = 9402;

    public StreamsServiceConfig {
        kafka = Map.copyOf(kafka);
    }

    /** Reads the variables above; throws one {@code ConfigException} naming every bad variable. */
    public static StreamsServiceConfig fromEnv(Map<String, String> env) {
        EnvReader reader = new EnvReader(env);
        reader.required("KAFKA_BOOTSTRAP_SERVERS");
        Map<String, String> kafka = new TreeMap<>();
        EnvReader.kafkaProperties(env).forEach((k, v) -> kafka.put(k.toString(), v.toString()));
        Duration windowSize = reader.positiveDuration("FLOWPULSE_WINDOW_SIZE", TopologySettings.DEFAULT_WINDOW_SIZE);
        Duration grace = reader.duration("FLOWPULSE_WINDOW_GRACE", TopologySettings.DEFAULT_WINDOW_GRACE);
        Duration retention =
                reader.positiveDuration("FLOWPULSE_RUN_STATE_RETENTION", TopologySettings.DEFAULT_RUN_STATE_RETENTION);
        int maxStates =
                reader.integer("FLOWPULSE_RUN_STATE_MAX_STATES", TopologySettings.DEFAULT_MAX_STATES_PER_RUN, 2);
        Duration settleTimeout = reader.positiveDuration(
                "FLOWPULSE_FINISH_SETTLE_TIMEOUT", TopologySettings.DEFAULT_FINISH_SETTLE_TIMEOUT);
        StreamsServiceConfig config = new StreamsServiceConfig(
                kafka,
                reader.string("FLOWPULSE_STREAMS_APPLICATION_ID", DEFAULT_APPLICATION_ID),
                Path.of(reader.string("FLOWPULSE_STATE_DIR", "./.flowpulse/state")),
                new TopologySettings(
                        windowSize,
                        grace,
                        retention,
                        TopologySettings.DEFAULT_PURGE_INTERVAL,
                        maxStates,
                        settleTimeout),
                reader.integer("FLOWPULSE_STREAMS_THREADS", 1, 1),
                reader.duration("FLOWPULSE_COMMIT_INTERVAL", Duration.ofMillis(100)),
                Topics.fromEnv(reader),
                reader.string("FLOWPULSE_STREAMS_HTTP_HOST", "0.0.0.0"),
                reader.integer("FLOWPULSE_STREAMS_HTTP_PORT", DEFAULT_HTTP_PORT, 0));
        reader.check();
        return config;
    }

    /** The {@code KAFKA_*} properties alone, for the admin client that provisions topics. */
    public Properties kafkaProperties() {
        Properties props = new Properties();
        props.putAll(kafka);
        return props;
    }

    /** Kafka property names only: their values may be credentials. */
    @Override
    public String toString() {
        return "StreamsServiceConfig[kafka=" + kafka.keySet() + ", applicationId=" + applicationId + ", stateDir="
                + stateDir + ", topology=" + topology + ", threads=" + threads + ", commitInterval=" + commitInterval
                + ", topics=" + topics + ", http=" + httpHost + ":" + httpPort + "]";
    }
}
