package dev.flowpulse.streams;

import dev.flowpulse.streams.errors.DeadLetterDeserializationHandler;
import dev.flowpulse.streams.errors.DeadLetterProcessingHandler;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Builds the Kafka Streams properties of the service from its config. Service defaults first,
 * then every {@code KAFKA_*} property the operator set, then what the service owns: the
 * exactly-once guarantee (totals are only exact with it) and no default serdes (every step names
 * its serdes).
 *
 * <p>Stateless.
 */
public final class StreamsProperties {

    private StreamsProperties() {}

    /**
     * {@code processing.exception.handler.global.enabled} is deprecated in 4.4 only because it
     * becomes the default in 5.0; until then Streams warns on start unless it is set.
     */
    @SuppressWarnings("deprecation")
    public static Properties of(StreamsServiceConfig config) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(config.threads()));
        props.put(
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                Long.toString(config.commitInterval().toMillis()));
        // A refactor must never silently rename a store or repartition topic (and lose its data).
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "true");
        // Bad records never stop the topology: log, dead-letter (KIP-1034) and continue.
        props.put(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterDeserializationHandler.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        props.put(
                StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
                config.topics().deadLetters());
        // One batch in flight per connection: the transactional producer's later batches can no longer
        // reach a partition before the first batch of their transaction was verified, which is what the
        // broker rejects (and logs at ERROR) under transactions v2 (KAFKA-18202, streams/README.md).
        // Unprefixed, so only the producer takes it, and KAFKA_MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION wins.
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        props.putAll(config.kafka());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.remove(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG);
        props.remove(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG);
        return props;
    }
}
