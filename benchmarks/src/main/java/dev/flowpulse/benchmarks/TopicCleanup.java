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

    /** Records written to each topic of the run (end offsets, transaction markers included), largest first. */
    private static void logRecordCounts(Admin admin, Set<String> topics) throws Exception {
        var partitions = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
                .flatMap(d -> d.partitions().stream()
                        .map(p -> new org.apache.kafka.common.TopicPartition(d.name(), p.partition())))
                .collect(Collectors.toMap(tp -> tp, tp -> org.apache.kafka.clients.admin.OffsetSpec.latest()));
        Map<String, Long> perTopic = new java.util.TreeMap<>();
        admin.listOffsets(partitions)
                .all()
                .get(30, TimeUnit.SECONDS)
                .forEach((tp, info) -> perTopic.merge(tp.topic(), info.offset(), Long::sum));
        StringBuilder text = new StringBuilder("Offsets written per topic (records + transaction markers):");
        perTopic.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e ->
                        text.append("\n  ").append(e.getValue()).append("  ").append(e.getKey()));
        log.info("{}", text);
    }

    static void deleteAllBut(String bootstrap, String keep) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Set<String> doomed = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(t -> !t.equals(keep) && !t.startsWith("__"))
                    .collect(Collectors.toSet());
            logRecordCounts(admin, doomed);
            if (!doomed.isEmpty()) {
                admin.deleteTopics(doomed).all().get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            log.warn("Could not delete the run's topics: {}", e.toString());
        }
    }
}
