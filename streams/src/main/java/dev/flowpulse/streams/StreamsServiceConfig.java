package dev.flowpulse.streams;

import dev.flowpulse.contract.EnvReader;
import dev.flowpulse.contract.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;

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
 * @param topology       {@code FLOWPULSE_WINDOWS} (1m,5m,1h), {@code FLOWPULSE_HOPPING_WINDOW} (15m, 0 for none),
 *                       {@code FLOWPULSE_HOPPING_WINDOW_ADVANCE} (1m), {@code FLOWPULSE_WINDOW_GRACE} (2h),
 *                       {@code FLOWPULSE_WINDOW_TAG_PREFIXES} (team:), {@code FLOWPULSE_WINDOW_UPDATE_INTERVAL} (1s),
 *                       {@code FLOWPULSE_RUN_STATE_RETENTION} (7d), {@code FLOWPULSE_RUN_STATE_MAX_STATES} (200),
 *                       {@code FLOWPULSE_FINISH_SETTLE_TIMEOUT} (15m), {@code FLOWPULSE_STUCK_AFTER} (1h),
 *                       {@code FLOWPULSE_STUCK_AFTER_OVERRIDES} (none; {@code deployment=4h,other=30m})
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
        TopologySettings topology = topologySettings(reader);
        StreamsServiceConfig config = new StreamsServiceConfig(
                kafka,
                reader.string("FLOWPULSE_STREAMS_APPLICATION_ID", DEFAULT_APPLICATION_ID),
                Path.of(reader.string("FLOWPULSE_STATE_DIR", "./.flowpulse/state")),
                topology,
                reader.integer("FLOWPULSE_STREAMS_THREADS", 1, 1),
                reader.duration("FLOWPULSE_COMMIT_INTERVAL", Duration.ofMillis(100)),
                Topics.fromEnv(reader),
                reader.string("FLOWPULSE_STREAMS_HTTP_HOST", "0.0.0.0"),
                reader.integer("FLOWPULSE_STREAMS_HTTP_PORT", DEFAULT_HTTP_PORT, 0));
        reader.check();
        return config;
    }

    private static TopologySettings topologySettings(EnvReader reader) {
        TopologySettings d = TopologySettings.defaults();
        List<Duration> sizes = durations(reader, "FLOWPULSE_WINDOWS", d.windowSizes());
        // "0" (documented: no hopping view) has no unit, which the duration syntax otherwise requires.
        Duration hop = "0".equals(reader.string("FLOWPULSE_HOPPING_WINDOW", null))
                ? Duration.ZERO
                : reader.duration("FLOWPULSE_HOPPING_WINDOW", d.hopSize());
        Duration advance = reader.positiveDuration("FLOWPULSE_HOPPING_WINDOW_ADVANCE", d.hopAdvance());
        if (!hop.isZero() && hop.toMillis() % advance.toMillis() != 0) {
            reader.problem("FLOWPULSE_HOPPING_WINDOW must be a multiple of FLOWPULSE_HOPPING_WINDOW_ADVANCE");
            hop = d.hopSize();
            advance = d.hopAdvance();
        }
        String prefixes = reader.string("FLOWPULSE_WINDOW_TAG_PREFIXES", String.join(",", d.tagPrefixes()));
        Map<String, Duration> overrides = new TreeMap<>();
        String overrideText = reader.string("FLOWPULSE_STUCK_AFTER_OVERRIDES", "");
        for (String entry : overrideText.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.lastIndexOf('=');
            Duration after = eq <= 0 ? null : EnvReader.parseDuration(entry.substring(eq + 1));
            if (after == null || after.isZero() || after.isNegative()) {
                reader.problem("FLOWPULSE_STUCK_AFTER_OVERRIDES must be deployment=duration pairs separated by "
                        + "commas (e.g. nightly-backfill=4h), got '" + entry.trim() + "'");
            } else {
                overrides.put(entry.substring(0, eq).trim(), after);
            }
        }
        return new TopologySettings(
                sizes,
                hop,
                advance,
                reader.duration("FLOWPULSE_WINDOW_GRACE", d.windowGrace()),
                prefixes.equals("none")
                        ? List.of()
                        : Arrays.stream(prefixes.split(","))
                                .map(String::trim)
                                .filter(p -> !p.isEmpty())
                                .toList(),
                reader.positiveDuration("FLOWPULSE_WINDOW_UPDATE_INTERVAL", d.windowUpdateInterval()),
                reader.positiveDuration("FLOWPULSE_RUN_STATE_RETENTION", d.runStateRetention()),
                reader.integer("FLOWPULSE_RUN_STATE_MAX_STATES", d.maxStatesPerRun(), 2),
                reader.positiveDuration("FLOWPULSE_FINISH_SETTLE_TIMEOUT", d.finishSettleTimeout()),
                reader.positiveDuration("FLOWPULSE_STUCK_AFTER", d.stuckAfter()),
                overrides,
                d.timerInterval());
    }

    /** A comma-separated list of positive durations ({@code 1m,5m,1h}); duplicates dropped, sorted. */
    private static List<Duration> durations(EnvReader reader, String name, List<Duration> defaults) {
        String text = reader.string(name, null);
        if (text == null) {
            return defaults;
        }
        TreeSet<Duration> sizes = new TreeSet<>();
        for (String part : text.split(",")) {
            Duration size = part.isBlank() ? null : EnvReader.parseDuration(part);
            if (size == null || size.isZero() || size.isNegative() || size.toMillis() % 1000 != 0) {
                reader.problem(name + " must be whole-second durations separated by commas (e.g. 1m,5m,1h), got '"
                        + part.trim() + "'");
                return defaults;
            }
            sizes.add(size);
        }
        return List.copyOf(sizes);
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
