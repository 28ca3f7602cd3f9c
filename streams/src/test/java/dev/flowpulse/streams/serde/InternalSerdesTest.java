package dev.flowpulse.streams.serde;

import static dev.flowpulse.streams.SampleEvents.BRAVE_OTTER;
import static dev.flowpulse.streams.SampleEvents.parsed;
import static dev.flowpulse.streams.SampleEvents.retriedRun;
import static dev.flowpulse.streams.SampleEvents.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FlowRunEvent;
import dev.flowpulse.contract.StateType;
import dev.flowpulse.contract.WindowStats;
import dev.flowpulse.streams.TopologySettings;
import dev.flowpulse.streams.run.RunHistory;
import dev.flowpulse.streams.window.WindowContribution;
import dev.flowpulse.streams.window.WindowGroup;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The internal binary formats give back what they were given, from values the topology really builds. */
class InternalSerdesTest {

    private static final TopologySettings RULES = TopologySettings.defaults();

    @Test
    void shouldRoundTripTheHistoryAndFinishOfARetriedRun() {
        RunHistory history = RunHistory.empty();
        List<FinishedFlowRun> finishes = new java.util.ArrayList<>();
        for (var event : retriedRun(BRAVE_OTTER, 700, Instant.parse("2026-05-04T14:00:00.654321Z"))) {
            FlowRunEvent e = parsed(event);
            var step = history.accept(e, e.occurred().toEpochMilli(), RULES).orElseThrow();
            history = step.history();
            finishes.addAll(step.finishes());
            assertThat(roundTrip(InternalSerdes.RUN_HISTORY, history)).isEqualTo(history);
        }

        assertThat(finishes).singleElement().satisfies(f -> {
            assertThat(f.totalRunTimeSeconds()).isNotNull();
            assertThat(roundTrip(InternalSerdes.FINISHED_RUN, f)).isEqualTo(f);
        });
        assertThat(roundTrip(InternalSerdes.RUN_HISTORY, history)).isEqualTo(history);
    }

    @Test
    void shouldRoundTripWindowStatsWithUnknownAndKnownDurations() {
        FlowRunEvent running = parsed(sample("Running"));
        WindowStats stats = WindowStats.empty()
                .plusState(running)
                .plusFinish(StateType.COMPLETED, 42.5)
                .plusFinish(StateType.FAILED, null);

        WindowStats back = roundTrip(InternalSerdes.WINDOW_STATS, stats);

        assertThat(back).isEqualTo(stats);
        assertThat(back.minDurationSeconds()).isEqualTo(42.5);
        assertThat(back.unknownDurationCount()).isEqualTo(1);
    }

    @Test
    void shouldWriteEqualGroupsAsEqualBytesWhateverTheirLabelOrder() {
        Map<String, String> one = new LinkedHashMap<>();
        one.put("flow", "etl");
        one.put("deployment", "nightly");
        Map<String, String> other = new LinkedHashMap<>();
        other.put("deployment", "nightly");
        other.put("flow", "etl");
        WindowGroup a = new WindowGroup("ws", "deployment", one);
        WindowGroup b = new WindowGroup("ws", "deployment", other);

        assertThat(InternalSerdes.WINDOW_GROUP.serialize("t", a))
                .isEqualTo(InternalSerdes.WINDOW_GROUP.serialize("t", b));
        assertThat(roundTrip(InternalSerdes.WINDOW_GROUP, a)).isEqualTo(a);
    }

    @Test
    void shouldRoundTripContributionsOfBothKinds() {
        WindowContribution state = WindowContribution.ofState(parsed(sample("Running")));
        WindowContribution finish =
                new WindowContribution("run", 1_000L, null, "Completed", false, StateType.COMPLETED, null);

        assertThat(roundTrip(InternalSerdes.WINDOW_CONTRIBUTION, state)).isEqualTo(state);
        assertThat(roundTrip(InternalSerdes.WINDOW_CONTRIBUTION, finish)).isEqualTo(finish);
    }

    @Test
    void shouldRoundTripABatchAndReadWhatAnEarlierReleaseLeftInTheRepartitionsAsABatchOfOne() {
        WindowContribution state = WindowContribution.ofState(parsed(sample("Running")));
        WindowContribution finish =
                new WindowContribution("run", 1_000L, null, "Completed", false, StateType.COMPLETED, null);
        var batch = dev.flowpulse.streams.window.WindowContributions.of(state).plus(finish);

        assertThat(roundTrip(InternalSerdes.WINDOW_CONTRIBUTIONS, batch).values())
                .containsExactly(state, finish);
        // Version 1: one contribution per record, as the window repartition carried before batching.
        byte[] single = InternalSerdes.WINDOW_CONTRIBUTION.serialize("t", finish);
        assertThat(InternalSerdes.WINDOW_CONTRIBUTIONS.deserialize("t", single).values())
                .containsExactly(finish);
        // The state-totals repartition: a count per batch; before batching, an empty value per entry.
        byte[] count = InternalSerdes.STATE_ENTRY_COUNT.serializer().serialize("t", 7L);
        assertThat(InternalSerdes.STATE_ENTRY_COUNT.deserializer().deserialize("t", count))
                .isEqualTo(7L);
        assertThat(InternalSerdes.STATE_ENTRY_COUNT.deserializer().deserialize("t", new byte[0]))
                .isEqualTo(1L);
    }

    @Test
    void shouldRefuseAnotherFormatVersionWithoutQuotingThePayload() {
        byte[] bytes = InternalSerdes.WINDOW_GROUP.serialize("t", new WindowGroup("secret-ws", "flow", Map.of()));
        bytes[0] = 9;

        assertThatThrownBy(() -> InternalSerdes.WINDOW_GROUP.deserialize("t", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("format version 9")
                .hasMessageNotContaining("secret-ws");
        assertThat(InternalSerdes.WINDOW_GROUP.deserialize("t", null)).isNull();
    }

    private static <T> T roundTrip(BinarySerde<T> serde, T value) {
        return serde.deserialize("t", serde.serialize("t", value));
    }
}
