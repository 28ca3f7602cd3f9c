package dev.flowpulse.runtime;

import dev.flowpulse.contract.EnvReader;
import java.time.Duration;
import java.util.Map;

/**
 * How a service creates missing topics, read from the environment.
 *
 * @param create       {@code FLOWPULSE_CREATE_TOPICS}, default true
 * @param partitions   {@code FLOWPULSE_TOPIC_PARTITIONS}, default 3
 * @param replication  {@code FLOWPULSE_TOPIC_REPLICATION}, default 1
 * @param rawRetention {@code FLOWPULSE_RAW_RETENTION}, default 7d: retention of the non-compacted topics
 */
public record TopicSettings(boolean create, int partitions, short replication, Duration rawRetention) {

    /** Reads the settings; one {@link dev.flowpulse.contract.ConfigException} names every bad variable. */
    public static TopicSettings fromEnv(Map<String, String> env) {
        EnvReader reader = new EnvReader(env);
        TopicSettings settings = read(reader);
        reader.check();
        return settings;
    }

    /** Reads the settings into {@code reader}, whose {@code check()} reports the problems. */
    public static TopicSettings read(EnvReader reader) {
        boolean create = reader.bool("FLOWPULSE_CREATE_TOPICS", true);
        int partitions = reader.integer("FLOWPULSE_TOPIC_PARTITIONS", 3, 1);
        int replication = reader.integer("FLOWPULSE_TOPIC_REPLICATION", 1, 1);
        if (replication > Short.MAX_VALUE) {
            reader.problem("FLOWPULSE_TOPIC_REPLICATION must be <= " + Short.MAX_VALUE + ", got " + replication);
            replication = 1;
        }
        Duration retention = reader.duration("FLOWPULSE_RAW_RETENTION", Duration.ofDays(7));
        return new TopicSettings(create, partitions, (short) replication, retention);
    }
}
