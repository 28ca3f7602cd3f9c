package dev.flowpulse.sink;

import static dev.flowpulse.sink.SampleSeries.deployed;
import static dev.flowpulse.sink.SampleSeries.state;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.broker.EmbeddedKafkaBroker;
import dev.flowpulse.contract.DeadLetters;
import dev.flowpulse.contract.HeaderNames;
import dev.flowpulse.testkit.CommittedRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Records of the sink's topics it cannot serve reach the dead-letter topic on a real broker: the
 * original bytes, stage {@code sink}, the reason and the source position; a second sink (a
 * replica, or a restart) writes the same dead letters again, identical and identified by their
 * source position.
 */
@Tag("integration")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SinkDeadLettersIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(Path.of("target", "kafka-it", "sink-dlq-" + UUID.randomUUID()));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldSetUnreadableRecordsAsideWithTheirBytesReasonAndPosition() throws Exception {
        String prefix = "sink-dlq-" + UUID.randomUUID();
        String stateTotals = prefix + ".state-totals";
        String finishedTotals = prefix + ".finished-totals";
        String windowStats = prefix + ".window-stats";
        String finishedRuns = prefix + ".flow-runs-finished";
        String deadLetterTopic = prefix + ".dead-letters";
        broker.createTopic(stateTotals, 1, TotalsRecords.COMPACTED);
        broker.createTopic(finishedTotals, 1, TotalsRecords.COMPACTED);
        broker.createTopic(windowStats, 1, Map.of());
        broker.createTopic(finishedRuns, 1, Map.of());
        broker.createTopic(deadLetterTopic, 1, Map.of());
        byte[] stateKey =
                TotalsRecords.state(stateTotals, state(deployed("Failed")), 1).key();
        TotalsRecords.produceInTransaction(
                broker,
                List.of(
                        new ProducerRecord<>(stateTotals, stateKey, bytes("{\"count\": ")), // truncated JSON
                        new ProducerRecord<>(stateTotals, stateKey, null), // a tombstone: refused, not bad input
                        new ProducerRecord<>(finishedTotals, bytes("garbage"), bytes("{}")),
                        new ProducerRecord<>(windowStats, bytes("{}"), bytes("not a window")),
                        new ProducerRecord<>(finishedRuns, bytes("run-1"), bytes("[1, 2"))));
        Map<String, String> env = new HashMap<>();
        env.put("FLOWPULSE_TOPIC_DEAD_LETTERS", deadLetterTopic);
        env.put("FLOWPULSE_TOPIC_WINDOW_STATS", windowStats);
        env.put("FLOWPULSE_TOPIC_WINDOW_STATS_FINAL", prefix + ".window-stats-final");
        env.put("FLOWPULSE_TOPIC_IN_PROGRESS_RUNS", prefix + ".flow-runs-in-progress");
        env.put("FLOWPULSE_TOPIC_FINISHED_RUNS", finishedRuns);
        env.put("FLOWPULSE_TOPIC_ALERT_STATE", prefix + ".alert-state");
        env.put("FLOWPULSE_TOPIC_FLOW_RUN_HISTORY", prefix + ".flow-run-history");
        List<String> counted = List.of(
                "flowpulse_sink_dead_letters_total{outcome=\"written\"} 4.0",
                "flowpulse_sink_dead_letters_total{outcome=\"failed\"} 0.0",
                "flowpulse_sink_records_rejected_total{reason=\"tombstone\",topic=\"" + stateTotals + "\"} 1.0",
                "flowpulse_sink_window_records_rejected_total 1.0",
                "flowpulse_sink_catalog_records_rejected_total 1.0");

        try (CommittedRecords<byte[], byte[]> deadLetters =
                CommittedRecords.open(broker.clientProperties(), deadLetterTopic)) {
            try (SinkHarness sink = SinkHarness.start(broker, stateTotals, finishedTotals, env)) {
                sink.awaitLines(counted, DEADLINE);
            }
            List<ConsumerRecord<byte[], byte[]>> first = deadLetters.awaitSettled(DEADLINE);

            assertThat(first)
                    .extracting(SinkDeadLettersIT::describe)
                    .containsExactlyInAnyOrder(
                            stateTotals + "/0/0 unreadable-value key=" + text(stateKey) + " value={\"count\": ",
                            finishedTotals + "/0/0 unreadable-key key=garbage value={}",
                            windowStats + "/0/0 unreadable-record key={} value=not a window",
                            finishedRuns + "/0/0 malformed-json key=run-1 value=[1, 2");
            assertThat(first).allSatisfy(r -> {
                assertThat(DeadLetters.get(r.headers(), HeaderNames.DLQ_STAGE)).isEqualTo("sink");
                assertThat(DeadLetters.get(r.headers(), HeaderNames.DLQ_DETAIL))
                        .isNotBlank()
                        .doesNotContain("count", "garbage", "not a window", "[1, 2");
            });

            // a second sink (a replica, or this one restarted) reads the same records: the same dead letters again
            try (SinkHarness again = SinkHarness.start(broker, stateTotals, finishedTotals, env)) {
                again.awaitLines(counted, DEADLINE);
            }
            List<ConsumerRecord<byte[], byte[]>> both = deadLetters.awaitSettled(DEADLINE);
            Map<String, Long> copies =
                    both.stream().collect(Collectors.groupingBy(SinkDeadLettersIT::describe, Collectors.counting()));
            assertThat(copies)
                    .hasSize(4)
                    .allSatisfy((letter, n) -> assertThat(n).isEqualTo(2L));
        }
    }

    /** Source position, reason, key and value: what identifies a dead letter and what it holds. */
    private static String describe(ConsumerRecord<byte[], byte[]> r) {
        return DeadLetters.get(r.headers(), HeaderNames.DLQ_SOURCE_TOPIC) + "/"
                + DeadLetters.get(r.headers(), HeaderNames.DLQ_SOURCE_PARTITION) + "/"
                + DeadLetters.get(r.headers(), HeaderNames.DLQ_SOURCE_OFFSET) + " "
                + DeadLetters.get(r.headers(), HeaderNames.DLQ_REASON) + " key=" + text(r.key()) + " value="
                + text(r.value());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return b == null ? "null" : new String(b, StandardCharsets.UTF_8);
    }
}
