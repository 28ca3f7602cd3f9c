package dev.flowpulse.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.streams.errors.DeadLetterDeserializationHandler;
import dev.flowpulse.streams.errors.DeadLetterProcessingHandler;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsPropertiesTest {

    private static Properties properties(Map<String, String> env) {
        return StreamsProperties.of(StreamsServiceConfig.fromEnv(env));
    }

    @Test
    @SuppressWarnings("deprecation") // the global-handler flag: default in 5.0, see StreamsProperties
    void shouldRunExactlyOnceWithExplicitNamesAndDeadLetters() {
        Properties props = properties(Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9092"));

        assertThat(props)
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "flowpulse-streams")
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100")
                .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1")
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "./.flowpulse/state")
                .containsEntry(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "true")
                .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true")
                .containsEntry(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "flowpulse.dead-letters")
                .containsEntry(
                        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                        DeadLetterDeserializationHandler.class.getName())
                .containsEntry(
                        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                        DeadLetterProcessingHandler.class.getName())
                .containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        // Every key is a real StreamsConfig or producer setting (a typo would only log a warning at runtime).
        Set<String> known = new HashSet<>(StreamsConfig.configDef().names());
        known.addAll(ProducerConfig.configNames());
        assertThat(known).containsAll(props.stringPropertyNames());
    }

    @Test
    void shouldLetOperatorKafkaSettingsWinExceptGuaranteeAndSerdes() {
        Properties props = properties(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                "KAFKA_COMMIT_INTERVAL_MS", "1000",
                "KAFKA_NUM_STANDBY_REPLICAS", "1",
                "KAFKA_MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION", "5",
                "KAFKA_PROCESSING_GUARANTEE", "at_least_once",
                "KAFKA_DEFAULT_VALUE_SERDE", "org.apache.kafka.common.serialization.Serdes$StringSerde",
                "FLOWPULSE_COMMIT_INTERVAL", "50ms"));

        assertThat(props)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000")
                .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1")
                .containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .doesNotContainKey(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG);
    }

    @Test
    void shouldPointTheDeadLetterQueueAtTheConfiguredTopic() {
        Properties props = properties(
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9092", "FLOWPULSE_TOPIC_DEAD_LETTERS", "team.dlq"));

        assertThat(props).containsEntry(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "team.dlq");
    }
}
