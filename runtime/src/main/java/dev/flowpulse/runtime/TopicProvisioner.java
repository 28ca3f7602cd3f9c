package dev.flowpulse.runtime;

import dev.flowpulse.contract.EnvReader;
import dev.flowpulse.contract.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
     * Creates missing topics as the environment says ({@link TopicSettings}). Problems are
     * reported through {@code env.check()}, before anything is created.
     */
    public static Set<String> ensureFromEnv(EnvReader env, Topics topics, Properties adminProps) {
        TopicSettings settings = TopicSettings.read(env);
        env.check();
        return ensure(settings, topics, adminProps);
    }

    /** Creates the missing topics, unless {@code settings} turn creation off; returns the names it created. */
    public static Set<String> ensure(TopicSettings settings, Topics topics, Properties adminProps) {
        if (!settings.create()) {
            return Set.of();
        }
        return ensure(
                adminProps,
                plan(
                        topics,
                        settings.partitions(),
                        settings.replication(),
                        settings.rawRetention().toMillis()));
    }

    /** Topic creation as the first start-up step of a process (nothing to close). */
    public static Service service(TopicSettings settings, Topics topics, Properties adminProps) {
        return Service.of("topics", () -> ensure(settings, topics, adminProps), () -> {});
    }

    /**
     * What to create: one entry per topic, with the configs its {@link dev.flowpulse.contract.TopicDescriptor}
     * requires (cleanup policy, retention, segment bounds of the tables), the raw topic kept for
     * {@code rawRetentionMs}.
     */
    public static List<NewTopic> plan(Topics topics, int partitions, short replication, long rawRetentionMs) {
        List<NewTopic> plan = new ArrayList<>();
        for (var descriptor : topics.descriptors(Duration.ofMillis(rawRetentionMs))) {
            plan.add(new NewTopic(descriptor.name(), partitions, replication)
                    .configs(new HashMap<>(descriptor.configs())));
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
