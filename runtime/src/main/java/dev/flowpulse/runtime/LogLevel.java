package dev.flowpulse.runtime;

import dev.flowpulse.contract.ConfigException;
import dev.flowpulse.contract.EnvReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code FLOWPULSE_LOG_LEVEL}: how much a flowpulse process logs ({@code error}, {@code warn},
 * {@code info} (default) or {@code debug}).
 *
 * <p>At {@code info} and below, flowpulse logs at that level while Kafka's clients, Kafka Streams
 * and the embedded broker log warnings only, and a few known-noisy Kafka loggers errors only (or
 * nothing: the broker's {@code ReplicaManager} reports every rejected transactional append,
 * routine with exactly-once producers, KAFKA-18202). At {@code debug}, flowpulse logs at DEBUG and
 * every Kafka logger at INFO again.
 *
 * <p>{@link #configure} sets slf4j-simple's system properties, so it must run before the first
 * logger is created: first thing in {@code main}. A {@code -Dorg.slf4j.simpleLogger...} given on
 * the command line wins. Thread safe (stateless).
 */
public enum LogLevel {
    ERROR,
    WARN,
    INFO,
    DEBUG;

    public static final String VARIABLE = "FLOWPULSE_LOG_LEVEL";

    private static final String PREFIX = "org.slf4j.simpleLogger.";

    /** Kafka's loggers: the clients and Streams ({@code org.apache.kafka}), the broker ({@code kafka}). */
    private static final List<String> KAFKA = List.of(
            "org.apache.kafka",
            "kafka",
            "state.change.logger",
            // flowpulse's StreamsService logs the client's state changes itself
            "org.apache.kafka.streams.KafkaStreams");

    /** Kafka loggers that log routine events as warnings or errors. */
    private static final Map<String, String> KNOWN_NOISE = Map.of(
            // Exactly-once producers retry CONCURRENT_TRANSACTIONS and, after KAFKA-18202,
            // OUT_OF_ORDER_SEQUENCE_NUMBER between commits.
            "org.apache.kafka.clients.producer.internals.Sender", "error",
            "org.apache.kafka.clients.producer.internals.TransactionManager", "error",
            // The embedded broker's controller logs its own shutdown, and each fresh start, at WARN.
            "org.apache.kafka.controller.QuorumController", "error",
            "org.apache.kafka.clients.NetworkClient", "error",
            // Broker side of KAFKA-18202: each rejected append is an ERROR with the exception.
            "kafka.server.ReplicaManager", "off",
            // Window outputs carry their window's end as timestamp (docs/topics.md), so a segment
            // holding an open window has a future timestamp; the broker says so at every log check.
            "LogFutureTimestampLogger", "error");

    /** The level the environment asks for; one {@link ConfigException} for an unknown value. */
    public static LogLevel fromEnv(Map<String, String> env) {
        String value = new EnvReader(env).string(VARIABLE, "info");
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    List.of(VARIABLE + " must be one of error, warn, info, debug, got '" + value + "'"));
        }
    }

    /** Applies the environment's level, or {@code info} if it is invalid (the runner then reports it). */
    public static LogLevel configure(Map<String, String> env) {
        LogLevel level;
        try {
            level = fromEnv(env);
        } catch (ConfigException e) {
            level = INFO;
        }
        level.properties().forEach((key, value) -> {
            if (System.getProperty(PREFIX + key) == null) {
                System.setProperty(PREFIX + key, value);
            }
        });
        return level;
    }

    /** slf4j-simple settings for this level, keys without the {@code org.slf4j.simpleLogger.} prefix. */
    Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        String own = name().toLowerCase(Locale.ROOT);
        if (this == DEBUG) {
            p.put("defaultLogLevel", "info");
            p.put("log.dev.flowpulse", "debug");
            KAFKA.forEach(logger -> p.put("log." + logger, "info"));
            KNOWN_NOISE.keySet().forEach(logger -> p.put("log." + logger, "info"));
            return p;
        }
        String kafka = this == ERROR ? "error" : "warn";
        p.put("defaultLogLevel", own);
        p.put("log.dev.flowpulse", own);
        KAFKA.forEach(logger -> p.put("log." + logger, kafka));
        KNOWN_NOISE.forEach((logger, level) -> p.put("log." + logger, level));
        return p;
    }
}
