package dev.flowpulse.sink;

import dev.flowpulse.contract.EnvReader;
import dev.flowpulse.contract.Topics;
import dev.flowpulse.sink.alert.AlertingConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Everything the sink needs, read once from the environment.
 *
 * <p>{@code KAFKA_*} variables pass straight through to the consumer ({@code KAFKA_BOOTSTRAP_SERVERS}
 * is required); {@link #consumerProperties()} then applies the settings the sink owns. Immutable:
 * the Kafka properties are copied in and out. {@link #toString()} names the Kafka property keys
 * but never their values (they may hold credentials).
 *
 * @param kafka                  client properties from {@code KAFKA_*}
 * @param topics                 topic names ({@code FLOWPULSE_TOPIC_*})
 * @param httpHost               {@code FLOWPULSE_SINK_HTTP_HOST}, default {@code 0.0.0.0}
 * @param httpPort               {@code FLOWPULSE_SINK_HTTP_PORT}, default 9400 (0 = any free port)
 * @param pollTimeout            {@code FLOWPULSE_SINK_POLL_TIMEOUT}, default 500ms
 * @param partitionCheckInterval {@code FLOWPULSE_SINK_PARTITION_CHECK_INTERVAL}, default 30s: how
 *                               often the sink looks for partitions added to the totals topics
 * @param seriesLimits           the cardinality guard ({@code FLOWPULSE_SINK_MAX_SERIES}, ...)
 * @param alerting               alert rules and Alertmanagers ({@code FLOWPULSE_ALERT_*}, ...)
 * @param windowSizes            {@code FLOWPULSE_WINDOWS}, default 1m,5m,1h: the topology's tumbling window
 *                               sizes (the same variable as the streams service's), which alert windows are summed from
 * @param teamTagPrefix          {@code FLOWPULSE_ALERT_TEAM_TAG_PREFIX}, default {@code team:}: a tag window
 *                               of a tag with this prefix is also the window of the team named by the rest
 * @param historyTopic           {@code FLOWPULSE_TOPIC_FLOW_RUN_HISTORY}, default {@value #DEFAULT_HISTORY_TOPIC}:
 *                               ingest's compacted flow-run history topic (created by ingest, never by the sink)
 */
public record SinkConfig(
        Properties kafka,
        Topics topics,
        String httpHost,
        int httpPort,
        Duration pollTimeout,
        Duration partitionCheckInterval,
        SeriesLimits seriesLimits,
        AlertingConfig alerting,
        List<Duration> windowSizes,
        String teamTagPrefix,
        String historyTopic) {

    public static final String DEFAULT_HISTORY_TOPIC = "flowpulse.flow-run-history";
    public static final String DEFAULT_HTTP_HOST = "0.0.0.0";
    public static final int DEFAULT_HTTP_PORT = 9400;
    public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(500);
    public static final Duration DEFAULT_PARTITION_CHECK_INTERVAL = Duration.ofSeconds(30);
    public static final List<Duration> DEFAULT_WINDOW_SIZES =
            List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1));
    public static final String DEFAULT_TEAM_TAG_PREFIX = "team:";

    public SinkConfig {
        kafka = copyOf(Objects.requireNonNull(kafka, "kafka"));
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(httpHost, "httpHost");
        Objects.requireNonNull(pollTimeout, "pollTimeout");
        Objects.requireNonNull(partitionCheckInterval, "partitionCheckInterval");
        Objects.requireNonNull(seriesLimits, "seriesLimits");
        Objects.requireNonNull(alerting, "alerting");
        windowSizes = List.copyOf(windowSizes);
        Objects.requireNonNull(teamTagPrefix, "teamTagPrefix");
        Objects.requireNonNull(historyTopic, "historyTopic");
    }

    /** Reads the configuration; throws one {@link dev.flowpulse.contract.ConfigException} listing every problem. */
    public static SinkConfig fromEnv(Map<String, String> env) {
        EnvReader reader = new EnvReader(env);
        reader.required("KAFKA_BOOTSTRAP_SERVERS");
        Topics topics = Topics.fromEnv(reader);
        String host = reader.string("FLOWPULSE_SINK_HTTP_HOST", DEFAULT_HTTP_HOST);
        int port = reader.integer("FLOWPULSE_SINK_HTTP_PORT", DEFAULT_HTTP_PORT, 0);
        if (port > 65535) {
            reader.problem("FLOWPULSE_SINK_HTTP_PORT must be <= 65535, got " + port);
        }
        Duration pollTimeout = reader.positiveDuration("FLOWPULSE_SINK_POLL_TIMEOUT", DEFAULT_POLL_TIMEOUT);
        Duration partitionCheck =
                reader.positiveDuration("FLOWPULSE_SINK_PARTITION_CHECK_INTERVAL", DEFAULT_PARTITION_CHECK_INTERVAL);
        SeriesLimits limits = SeriesLimits.read(reader);
        AlertingConfig alerting = AlertingConfig.read(reader);
        List<Duration> windowSizes = windowSizes(reader);
        String teamPrefix = reader.string("FLOWPULSE_ALERT_TEAM_TAG_PREFIX", DEFAULT_TEAM_TAG_PREFIX);
        String historyTopic = reader.string("FLOWPULSE_TOPIC_FLOW_RUN_HISTORY", DEFAULT_HISTORY_TOPIC);
        reader.check();
        return new SinkConfig(
                EnvReader.kafkaProperties(env),
                topics,
                host,
                port,
                pollTimeout,
                partitionCheck,
                limits,
                alerting,
                windowSizes,
                teamPrefix,
                historyTopic);
    }

    private static List<Duration> windowSizes(EnvReader reader) {
        String text = reader.string("FLOWPULSE_WINDOWS", null);
        if (text == null) {
            return DEFAULT_WINDOW_SIZES;
        }
        java.util.TreeSet<Duration> sizes = new java.util.TreeSet<>();
        for (String part : text.split(",")) {
            Duration size = part.isBlank() ? null : EnvReader.parseDuration(part);
            if (size == null || size.isZero() || size.isNegative() || size.toMillis() % 1000 != 0) {
                reader.problem("FLOWPULSE_WINDOWS must be whole-second durations separated by commas (e.g. 1m,5m,1h),"
                        + " got '" + part.trim() + "'");
                return DEFAULT_WINDOW_SIZES;
            }
            sizes.add(size);
        }
        return List.copyOf(sizes);
    }

    @Override
    public Properties kafka() {
        return copyOf(kafka);
    }

    /**
     * The operator's {@code KAFKA_*} settings plus what the sink must own: raw bytes (records are
     * decoded, and bad ones counted, by the sink itself), only committed transactions, and no
     * consumer group: the sink assigns every partition itself and never commits offsets, because it
     * re-reads the compacted tables from the beginning on every start. It never auto-creates a
     * topic either: a totals topic created by a metadata request would not be compacted.
     */
    public Properties consumerProperties() {
        Properties props = kafka();
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "flowpulse-sink");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        return props;
    }

    @Override
    public String toString() {
        return "SinkConfig[kafkaKeys=" + new TreeSet<>(kafka.stringPropertyNames()) + ", topics=" + topics
                + ", httpHost=" + httpHost + ", httpPort=" + httpPort + ", pollTimeout=" + pollTimeout
                + ", partitionCheckInterval=" + partitionCheckInterval + ", maxSeries=" + seriesLimits.maxSeries()
                + ", alerting=" + alerting + ", windowSizes=" + windowSizes + ", teamTagPrefix=" + teamTagPrefix
                + ", historyTopic=" + historyTopic + "]";
    }

    private static Properties copyOf(Properties source) {
        Properties copy = new Properties();
        copy.putAll(source);
        return copy;
    }
}
