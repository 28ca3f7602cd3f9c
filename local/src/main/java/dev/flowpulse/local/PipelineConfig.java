package dev.flowpulse.local;

import dev.flowpulse.contract.EnvReader;
import dev.flowpulse.contract.Topics;
import dev.flowpulse.ingest.IngestSources;
import dev.flowpulse.runtime.ConfigCheck;
import dev.flowpulse.runtime.TopicSettings;
import dev.flowpulse.sink.SinkConfig;
import dev.flowpulse.streams.StreamsServiceConfig;
import java.util.Map;
import java.util.Properties;

/**
 * The configurations of the three services run in one process, read from one environment exactly
 * as each service reads it in its own process.
 *
 * @param topics        the topic names all three share
 * @param topicSettings how missing topics are created
 * @param admin         the {@code KAFKA_*} properties, for topic creation
 */
public record PipelineConfig(
        Topics topics,
        TopicSettings topicSettings,
        Properties admin,
        SinkConfig sink,
        StreamsServiceConfig streams,
        IngestSources ingest) {

    /** Reads all three in one pass; one {@link dev.flowpulse.contract.ConfigException} names every problem of every service. */
    public static PipelineConfig fromEnv(Map<String, String> env) {
        ConfigCheck check = new ConfigCheck();
        Topics topics = check.read(() -> {
            EnvReader reader = new EnvReader(env);
            Topics read = Topics.fromEnv(reader);
            reader.check();
            return read;
        });
        TopicSettings topicSettings = check.read(() -> TopicSettings.fromEnv(env));
        SinkConfig sink = check.read(() -> SinkConfig.fromEnv(env));
        StreamsServiceConfig streams = check.read(() -> StreamsServiceConfig.fromEnv(env));
        IngestSources ingest = check.read(() -> IngestSources.fromEnv(env));
        check.check();
        return new PipelineConfig(topics, topicSettings, EnvReader.kafkaProperties(env), sink, streams, ingest);
    }

    @Override
    public Properties admin() {
        Properties copy = new Properties();
        copy.putAll(admin);
        return copy;
    }

    /** Kafka property names only: their values may be credentials. */
    @Override
    public String toString() {
        return "PipelineConfig[topics=" + topics + ", topicSettings=" + topicSettings + ", sink=" + sink + ", streams="
                + streams + ", ingest=" + ingest + "]";
    }
}
