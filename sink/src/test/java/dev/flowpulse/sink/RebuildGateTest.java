package dev.flowpulse.sink;

import static dev.flowpulse.sink.SampleSeries.deployed;
import static dev.flowpulse.sink.SampleSeries.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowpulse.contract.StateSeries;
import dev.flowpulse.contract.Topics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * After a (re)start, {@code /metrics} leaves the rebuilt families out until the sink has read the
 * totals topics up to the end offsets it saw at start, so no scrape shows a counter lower than
 * before the restart; the sink's own metrics (lag, caught-up) are served all along.
 */
class RebuildGateTest {

    private static final String STATES = Topics.STATE_TOTALS;
    private static final TopicPartition STATES_0 = new TopicPartition(STATES, 0);
    private static final TopicPartition FINISHED_0 = new TopicPartition(Topics.FINISHED_TOTALS, 0);

    private final SinkConfig config =
            SinkConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9", "FLOWPULSE_SINK_POLL_TIMEOUT", "10ms"));
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final StateSeries running = state(deployed("Running"));

    @Test
    void shouldLeaveTheTotalsOutUntilCaughtUpWithTheEndOffsetsSeenAtStart() {
        // the topic holds two updates of one series, 3 then 7: a half-built table would serve 3
        MockConsumer<byte[], byte[]> consumer = consumer(2);
        AtomicReference<String> halfBuilt = new AtomicReference<>();
        consumer.schedulePollTask(() -> consumer.addRecord(record(0, running, 3)));
        consumer.schedulePollTask(() -> halfBuilt.set(registry.scrape()));
        consumer.schedulePollTask(() -> consumer.addRecord(record(1, running, 7)));
        try (SinkService sink = new SinkService(config, registry, props -> consumer)) {
            sink.start();
            await().atMost(Duration.ofSeconds(30)).until(sink::caughtUp);

            assertThat(halfBuilt.get())
                    .contains("flowpulse_sink_caught_up 0.0")
                    .doesNotContain("prefect_flow_run_states_total{");
            assertThat(registry.scrape())
                    .contains("flowpulse_sink_caught_up 1.0")
                    .contains("state=\"Running\",state_type=\"RUNNING\",work_pool=\"k8s-prod\",workspace=\"prod\"} 7.0")
                    .doesNotContain("work_pool=\"k8s-prod\",workspace=\"prod\"} 3.0");
        }
    }

    private static MockConsumer<byte[], byte[]> consumer(long stateTotalsEnd) {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.updatePartitions(
                STATES, List.of(new PartitionInfo(STATES, 0, Node.noNode(), new Node[0], new Node[0])));
        consumer.updatePartitions(
                Topics.FINISHED_TOTALS,
                List.of(new PartitionInfo(Topics.FINISHED_TOTALS, 0, Node.noNode(), new Node[0], new Node[0])));
        consumer.updateBeginningOffsets(Map.of(STATES_0, 0L, FINISHED_0, 0L));
        consumer.updateEndOffsets(Map.of(STATES_0, stateTotalsEnd, FINISHED_0, 0L));
        return consumer;
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, StateSeries series, long count) {
        ProducerRecord<byte[], byte[]> r = TotalsRecords.state(STATES, series, count);
        return new ConsumerRecord<>(STATES, 0, offset, r.key(), r.value());
    }
}
