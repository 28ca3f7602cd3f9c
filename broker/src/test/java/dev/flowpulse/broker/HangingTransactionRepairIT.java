package dev.flowpulse.broker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The embedded broker and a transactional producer in one process ({@link
 * TransactionsUntilKilled}), killed with {@code kill -9} in the middle of its transactions, three
 * times, each time reopened on the same data. Without {@link HangingTransactionGuard}, Kafka 4.4
 * leaves some of those kills with a commit recorded but its markers missing on partitions that
 * were leaderless when the restarted coordinator finished it (KAFKA-20734): the last stable offset
 * of those partitions never moves again. Reproduced in 2 of 3 kill cycles before the guard.
 */
@Tag("integration")
@Timeout(value = 10, unit = MINUTES)
class HangingTransactionRepairIT {

    private static final int ROUNDS = 3;
    private static final Duration DEADLINE = Duration.ofMinutes(3);

    @Test
    void shouldLeaveNoTransactionHangingAndLoseNoCommittedOneAfterKillMinusNine() throws Exception {
        Path dir = Path.of("target", "hanging-it-" + UUID.randomUUID()).toAbsolutePath();
        Files.createDirectories(dir);
        Set<String> committed = new TreeSet<>();
        for (int round = 0; round < ROUNDS; round++) {
            committed.addAll(runUntilKilled(dir, round));
        }

        List<TopicPartition> partitions = IntStream.range(0, TransactionsUntilKilled.PARTITIONS)
                .mapToObj(p -> new TopicPartition(TransactionsUntilKilled.TOPIC, p))
                .toList();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOrReopen(dir);
                Admin admin = Admin.create(broker.clientProperties())) {
            Map<TopicPartition, OffsetSpec> latest =
                    partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
            await().atMost(DEADLINE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                var end = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
                var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                List<String> stuck = new ArrayList<>();
                for (TopicPartition tp : partitions) {
                    if (stable.get(tp).offset() != end.get(tp).offset()) {
                        stuck.add(tp + " stable=" + stable.get(tp).offset() + " end="
                                + end.get(tp).offset());
                    }
                }
                assertThat(stuck)
                        .as("partitions whose last stable offset lags their end")
                        .isEmpty();
            });

            Map<String, Integer> copies = readCommitted(broker, partitions);
            assertThat(copies.keySet())
                    .as("every transaction whose commit returned is visible")
                    .containsAll(committed);
            assertThat(copies.entrySet().stream()
                            .filter(e -> e.getValue() != TransactionsUntilKilled.PARTITIONS)
                            .map(Map.Entry::getKey)
                            .toList())
                    .as("each visible transaction has one record on every partition (atomic)")
                    .isEmpty();
            LoggerFactory.getLogger(HangingTransactionRepairIT.class)
                    .info(
                            "{} transactions committed across {} kills; {} visible; hanging transactions completed by"
                                    + " this broker: {}",
                            committed.size(),
                            ROUNDS,
                            copies.size(),
                            broker.repairedTransactions());
        }
    }

    /** One run of the child until killed mid-stream; returns the transactions it saw committed. */
    private static Set<String> runUntilKilled(Path dir, int round) throws IOException, InterruptedException {
        Path out = dir.resolveSibling(dir.getFileName() + "-" + round + ".out");
        Path err = dir.resolveSibling(dir.getFileName() + "-" + round + ".err");
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xmx384m",
                "-cp",
                System.getProperty("java.class.path"),
                TransactionsUntilKilled.class.getName(),
                dir.toString(),
                String.valueOf(round));
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process child = builder.start();
        try {
            await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                assertThat(child.isAlive())
                        .as("child running; stderr: %s", Files.readString(err, UTF_8))
                        .isTrue();
                assertThat(committedIn(out)).as("transactions committed").hasSizeGreaterThan(10);
            });
            Thread.sleep(ThreadLocalRandom.current().nextLong(200, 1500));
        } finally {
            child.destroyForcibly(); // SIGKILL: nothing flushed, closed or aborted
            assertThat(child.waitFor(1, TimeUnit.MINUTES)).as("killed").isTrue();
        }
        return committedIn(out);
    }

    private static Set<String> committedIn(Path out) throws IOException {
        return Files.readAllLines(out, UTF_8).stream()
                .filter(line -> line.startsWith("COMMITTED "))
                .map(line -> line.substring("COMMITTED ".length()))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Records per value, read to the end by a {@code read_committed} consumer. */
    private static Map<String, Integer> readCommitted(EmbeddedKafkaBroker broker, List<TopicPartition> partitions) {
        Properties props = broker.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Map<String, Integer> copies = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(DEADLINE).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    copies.merge(r.value(), 1, Integer::sum);
                }
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
        }
        return copies;
    }
}
