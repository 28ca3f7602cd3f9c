package dev.flowpulse.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.WindowedSerdes;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The baseline: the engine's own cost for the raw topic. Reads it as bytes and counts records per
 * key (flow-run id) in 5-minute tumbling windows ({@link #WINDOW}, grace {@link #GRACE}, flowpulse's
 * default grace), writing the counts to an output topic. Explicit serdes, every step named; the
 * same exactly-once guarantee, thread count and commit interval as the flowpulse run.
 */
final class BareWindowedCount {

    static final Duration WINDOW = Duration.ofMinutes(5);
    static final Duration GRACE = Duration.ofMinutes(15);

    private BareWindowedCount() {}

    static Topology topology(String rawTopic, String outputTopic) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(
                        rawTopic,
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("bare-source"))
                .groupByKey(Grouped.with("bare-group", Serdes.ByteArray(), Serdes.ByteArray()))
                .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW, GRACE))
                .count(
                        Named.as("bare-count"),
                        Materialized.<byte[], Long, WindowStore<Bytes, byte[]>>as("bare-counts")
                                .withKeySerde(Serdes.ByteArray())
                                .withValueSerde(Serdes.Long()))
                .toStream(Named.as("bare-to-stream"))
                .to(
                        outputTopic,
                        Produced.with(
                                        WindowedSerdes.timeWindowedSerdeFrom(byte[].class, WINDOW.toMillis()),
                                        Serdes.Long())
                                .withName("bare-sink"));
        return builder.build();
    }

    /** As flowpulse: {@code processing.exception.handler.global.enabled} set, or Streams 4.4 warns on start. */
    @SuppressWarnings("deprecation")
    static Properties properties(String bootstrap, String applicationId, Path stateDir, Duration commitInterval) {
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(commitInterval.toMillis()));
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "true");
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        return p;
    }
}
