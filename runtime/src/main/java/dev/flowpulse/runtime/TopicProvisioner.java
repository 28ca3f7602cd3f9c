package dev.flowpulse.runtime;

import dev.flowpulse.contract.EnvReader;
import dev.flowpulse.contract.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates flowpulse's topics with the cleanup policy each one needs (tables compacted, streams
 * deleted after retention) when they do not exist yet. Existing topics are left as they are:
 * operators who pre-create topics own their settings.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {}

    /**
     * Creates missing topics as the environment says: {@code FLOWPULSE_CREATE_TOPICS} (default
     * true), {@code FLOWPULSE_TOPIC_PARTITIONS} (default 3), {@code FLOWPULSE_TOPIC_REPLICATION}
     * (default 1), {@code FLOWPULSE_RAW_RETENTION} (default 7d, for the non-compacted topics).
     * Problems are reported through {@code env.check()} by the caller.
     */
    public static Set<String> ensureFromEnv(EnvReader env, Topics topics, Properties adminProps) {
        boolean create = env.bool("FLOWPULSE_CREATE_TOPICS", true);
        int partitions = env.integer("FLOWPULSE_TOPIC_PARTITIONS", 3, 1);
        int replication = env.integer("FLOWPULSE_TOPIC_REPLICATION", 1, 1);
        Duration retention = env.duration("FLOWPULSE_RAW_RETENTION", Duration.ofDays(7));
        env.check();
        if (!create) {
            return Set.of();
        }
        return ensure(adminProps, plan(topics, partitions, (short) replication, retention.toMillis()));
    }

    /** What to create: one entry per topic. */
    public static List<NewTopic> plan(Topics topics, int partitions, short replication, long rawRetentionMs) {
        List<NewTopic> plan = new ArrayList<>();
        for (String name : topics.all()) {
            Map<String, String> configs = new HashMap<>();
            if (topics.compacted().contains(name)) {
                configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            } else {
                configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
                configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(rawRetentionMs));
            }
            plan.add(new NewTopic(name, partitions, replication).configs(configs));
        }
        return plan;
    }

    /** Creates the missing topics of {@code plan}; returns the names it created. */
    public static Set<String> ensure(Properties adminProps, List<NewTopic> plan) {
        try (Admin admin = Admin.create(adminProps)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing =
                    plan.stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return Set.of();
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            missing.forEach(t -> log.info(
                    "Created topic {} ({} partitions, {})",
                    t.name(),
                    t.numPartitions(),
                    t.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG)));
            return Set.copyOf(missing.stream().map(NewTopic::name).toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create topics: " + e.getMessage(), e);
        }
    }
}
