package dev.flowpulse.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowpulse.testkit.PrefectSamples;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class RecordSerdeTest {

    private static FlowRunEvent completed() {
        return ((ParsedEvent.StateChange) FlowRunEventParser.parse(PrefectSamples.event("Completed"), "ws")).event();
    }

    @Test
    void shouldSerializeKeysToIdenticalBytesForEqualRecords() {
        JsonSerde<StateSeries> serde = JsonSerde.of(StateSeries.class);
        StateSeries a = new StateSeries(
                new SeriesLabels("prod", "etl-orders", "hourly-sync", "k8s-prod"), StateType.COMPLETED, "Completed");
        StateSeries b = new StateSeries(
                new SeriesLabels("prod", "etl-orders", "hourly-sync", "k8s-prod"), StateType.COMPLETED, "Completed");

        assertThat(serde.serialize("t", a)).isEqualTo(serde.serialize("t", b));
        assertThat(new String(serde.serialize("t", a), StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"labels\":{\"deployment\":\"hourly-sync\",\"flow\":\"etl-orders\",\"work_pool\":\"k8s-prod\",\"workspace\":\"prod\"},"
                                + "\"state\":\"Completed\",\"state_type\":\"COMPLETED\"}");
    }

    @Test
    void shouldRoundTripTheOutputRecords() {
        FlowRunTransition t = new FlowRunTransition(completed(), 152.441382, true);
        assertThat(JsonSerde.of(FlowRunTransition.class)
                        .deserialize("t", JsonSerde.of(FlowRunTransition.class).serialize("t", t)))
                .isEqualTo(t);

        WindowStats stats =
                WindowStats.empty().plusState(t.event()).plusFinish(WindowStatsTest.finished(t.event(), 152.441382));
        WindowStats back = JsonSerde.of(WindowStats.class)
                .deserialize("t", JsonSerde.of(WindowStats.class).serialize("t", stats));
        assertThat(back).isEqualTo(stats);
        assertThat(back.failureRatio()).isEqualTo(0.0);

        WindowKey key = new WindowKey(
                "ws",
                "flow",
                Map.of("flow", "etl-orders"),
                Instant.parse("2026-05-04T09:05:00Z"),
                Instant.parse("2026-05-04T09:10:00Z"),
                300,
                300);
        assertThat(JsonSerde.of(WindowKey.class)
                        .deserialize("t", JsonSerde.of(WindowKey.class).serialize("t", key)))
                .isEqualTo(key);
    }

    @Test
    void shouldComputeFailureRatioFromFailedAndCrashedOnly() {
        FlowRunEvent done = completed();
        WindowStats stats = WindowStats.empty();
        stats = stats.plusState(done).plusFinish(WindowStatsTest.finished(done, 10));
        FlowRunEvent failed = withType(done, StateType.FAILED);
        stats = stats.plusState(failed).plusFinish(WindowStatsTest.finished(failed, 20));
        FlowRunEvent crashed = withType(done, StateType.CRASHED);
        stats = stats.plusState(crashed).plusFinish(WindowStatsTest.finished(crashed, 30));
        FlowRunEvent cancelled = withType(done, StateType.CANCELLED);
        stats = stats.plusState(cancelled).plusFinish(WindowStatsTest.finished(cancelled, 40));
        stats = stats.plusState(withType(done, StateType.RUNNING));

        assertThat(stats.finishedTotal()).isEqualTo(4);
        assertThat(stats.failureRatio()).isEqualTo(0.5);
        assertThat(stats.stateCounts()).containsEntry("RUNNING", 1L).containsEntry("FAILED", 1L);
        assertThat(stats.maxDurationSeconds()).isEqualTo(40);
        assertThat(WindowStats.empty().failureRatio()).isNull();
    }

    @Test
    void shouldPassNullsThroughAndWrapGarbage() {
        JsonSerde<StateTotal> serde = JsonSerde.of(StateTotal.class);
        assertThat(serde.serialize("t", null)).isNull();
        assertThat(serde.deserialize("t", null)).isNull();
        assertThatThrownBy(() -> serde.deserialize("t", "{nope".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("StateTotal");
    }

    private static FlowRunEvent withType(FlowRunEvent e, StateType type) {
        return new FlowRunEvent(
                e.workspace(),
                e.eventId() + type,
                e.flowRunId(),
                e.flowRunName(),
                type,
                type.name(),
                e.occurred(),
                e.received(),
                e.runCount(),
                e.previousType(),
                e.follows(),
                e.flow(),
                e.deployment(),
                e.workQueue(),
                e.workPool(),
                e.tags());
    }
}
