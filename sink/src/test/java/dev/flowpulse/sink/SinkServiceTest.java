package dev.flowpulse.sink;

import static dev.flowpulse.sink.SampleSeries.deployed;
import static dev.flowpulse.sink.SampleSeries.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowpulse.contract.StateSeries;
import dev.flowpulse.contract.Topics;
import dev.flowpulse.runtime.MetricsHttpServer.Health;
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

/** The service's lifecycle and bookkeeping around one consumer, with Kafka's {@link MockConsumer}. */
class SinkServiceTest {

    private static final String STATES = Topics.STATE_TOTALS;
    private static final String FINISHED = Topics.FINISHED_TOTALS;
    private static final TopicPartition STATES_0 = new TopicPartition(STATES, 0);
    private static final TopicPartition FINISHED_0 = new TopicPartition(FINISHED, 0);

    private final SinkConfig config =
            SinkConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9", "FLOWPULSE_SINK_POLL_TIMEOUT", "10ms"));
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final StateSeries running = state(deployed("Running"));

    @Test
    void shouldReportDownUntilCaughtUpThenUp() throws Exception {
        MockConsumer<byte[], byte[]> consumer = consumerWithEndOffset(1);
        AtomicReference<Health> whileCatchingUp = new AtomicReference<>();
        try (SinkService sink = new SinkService(config, registry, props -> consumer)) {
            assertThat(sink.health().up()).isFalse();
            consumer.schedulePollTask(() -> {
                whileCatchingUp.set(sink.health());
                consumer.addRecord(record(0, running, 3));
            });

            sink.start();
            awaitCaughtUp(sink);

            assertThat(whileCatchingUp.get()).isEqualTo(Health.unhealthy("catching up on the totals topics"));
            assertThat(sink.health()).isEqualTo(Health.healthy());
            assertThat(registry.scrape())
                    .contains(
                            "state=\"Running\",state_type=\"RUNNING\",work_pool=\"k8s-prod\",workspace=\"prod\"} 3.0");
        }
    }

    @Test
    void shouldKeepTheHigherTotalAndCountANonMonotonicRecord() throws Exception {
        MockConsumer<byte[], byte[]> consumer = consumerWithEndOffset(2);
        consumer.schedulePollTask(() -> {
            consumer.addRecord(record(0, running, 5));
            consumer.addRecord(record(1, running, 4));
        });
        try (SinkService sink = new SinkService(config, registry, props -> consumer)) {
            sink.start();
            awaitCaughtUp(sink);

            assertThat(registry.scrape())
                    .contains("state=\"Running\",state_type=\"RUNNING\",work_pool=\"k8s-prod\",workspace=\"prod\"} 5.0")
                    .contains("flowpulse_sink_records_rejected_total{reason=\"non_monotonic\",topic=\"" + STATES
                            + "\"} 1.0");
        }
    }

    @Test
    void shouldLeaveTheRegistryReadyForANewSinkWhenClosed() throws Exception {
        MockConsumer<byte[], byte[]> first = consumerWithEndOffset(0);
        SinkService sink = new SinkService(config, registry, props -> first);
        sink.start();
        awaitCaughtUp(sink);

        sink.close();
        sink.close(); // idempotent

        assertThat(sink.health().up()).isFalse();
        assertThat(first.closed()).isTrue();
        assertThat(registry.scrape()).doesNotContain("flowpulse_sink_", "prefect_flow_run");
        MockConsumer<byte[], byte[]> second = consumerWithEndOffset(0);
        try (SinkService again = new SinkService(config, registry, props -> second)) {
            again.start();
            awaitCaughtUp(again);
            assertThat(registry.scrape()).contains("flowpulse_sink_caught_up 1.0");
        }
    }

    private static MockConsumer<byte[], byte[]> consumerWithEndOffset(long stateTotalsEnd) {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.updatePartitions(
                STATES, List.of(new PartitionInfo(STATES, 0, Node.noNode(), new Node[0], new Node[0])));
        consumer.updatePartitions(
                FINISHED, List.of(new PartitionInfo(FINISHED, 0, Node.noNode(), new Node[0], new Node[0])));
        consumer.updateBeginningOffsets(Map.of(STATES_0, 0L, FINISHED_0, 0L));
        consumer.updateEndOffsets(Map.of(STATES_0, stateTotalsEnd, FINISHED_0, 0L));
        return consumer;
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, StateSeries series, long count) {
        ProducerRecord<byte[], byte[]> r = TotalsRecords.state(STATES, series, count);
        return new ConsumerRecord<>(STATES, 0, offset, r.key(), r.value());
    }

    /** Waits for the consumer thread to catch up; a timeout says what the service reported meanwhile. */
    private static void awaitCaughtUp(SinkService sink) {
        await().atMost(Duration.ofSeconds(30))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(sink.caughtUp())
                        .as("caught up; health: %s", sink.health())
                        .isTrue());
    }
}
