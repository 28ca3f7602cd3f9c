package dev.flowpulse.benchmarks;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a measured run: deletes every topic but the raw one (outputs, changelogs, repartition
 * topics of whatever topology ran), so each run starts on an identical broker and the log cleaner
 * has nothing left to compact during the next run.
 */
final class TopicCleanup {

    private static final Logger log = LoggerFactory.getLogger(TopicCleanup.class);

    private TopicCleanup() {}

    static void deleteAllBut(String bootstrap, String keep) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Set<String> doomed = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(t -> !t.equals(keep) && !t.startsWith("__"))
                    .collect(Collectors.toSet());
            if (!doomed.isEmpty()) {
                admin.deleteTopics(doomed).all().get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            log.warn("Could not delete the run's topics: {}", e.toString());
        }
    }
}
