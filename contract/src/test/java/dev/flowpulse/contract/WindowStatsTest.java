package dev.flowpulse.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.testkit.PrefectSamples;
import org.junit.jupiter.api.Test;

/** Window statistics fed with state entries and finished runs separately. */
class WindowStatsTest {

    private static FlowRunEvent parsed(String stateName) {
        return ((ParsedEvent.StateChange) FlowRunEventParser.parse(PrefectSamples.event(stateName), "ws")).event();
    }

    private static FinishedFlowRun finished(FlowRunEvent terminal, double seconds) {
        return new FinishedFlowRun(
                terminal.workspace(),
                terminal.flowRunId(),
                terminal.flowRunName(),
                terminal.flow(),
                terminal.deployment(),
                terminal.workPool(),
                terminal.tags(),
                terminal.stateType(),
                terminal.stateName(),
                terminal.occurred().minusSeconds((long) seconds),
                terminal.occurred(),
                seconds,
                terminal.runCount());
    }

    @Test
    void shouldCountAStateEntryWithoutFinishingAnything() {
        WindowStats stats = WindowStats.empty().plusState(parsed("Completed")).plusState(parsed("Running"));

        assertThat(stats.stateCounts()).containsOnlyKeys("COMPLETED", "RUNNING");
        assertThat(stats.finishedTotal()).isZero();
        assertThat(stats.durations().count()).isZero();
        assertThat(stats.failureRatio()).isNull();
    }

    @Test
    void shouldCountAFinishWithoutAStateEntry() {
        WindowStats stats = WindowStats.empty()
                .plusFinish(finished(parsed("Completed"), 152.441382))
                .plusFinish(finished(parsed("Failed"), 513.6));

        assertThat(stats.stateCounts()).isEmpty();
        assertThat(stats.finishedCounts()).containsEntry("COMPLETED", 1L).containsEntry("FAILED", 1L);
        // FAILED 1 / finished 2
        assertThat(stats.failureRatio()).isEqualTo(0.5);
        assertThat(stats.maxDurationSeconds()).isEqualTo(513.6);
        assertThat(stats.durations().sumSeconds()).isEqualTo(152.441382 + 513.6);
        assertThat(stats.minDurationSeconds()).isEqualTo(152.441382);
    }

    @Test
    void shouldCountAnUnknownDurationApartFromTheHistogram() {
        WindowStats stats =
                WindowStats.empty().plusFinish(StateType.FAILED, null).plusFinish(StateType.COMPLETED, 10.0);

        assertThat(stats.finishedTotal()).isEqualTo(2);
        assertThat(stats.unknownDurationCount()).isEqualTo(1);
        assertThat(stats.durations().count()).isEqualTo(1);
        assertThat(stats.minDurationSeconds()).isEqualTo(10.0);
        assertThat(stats.failureRatio()).isEqualTo(0.5);
    }

    @Test
    void shouldSumSlicesIntoALargerWindow() {
        WindowStats a = WindowStats.empty()
                .plusState(StateType.RUNNING, "Retrying", true)
                .plusFinish(StateType.FAILED, 5.0);
        WindowStats b =
                WindowStats.empty().plusFinish(StateType.COMPLETED, 50.0).plusFinish(StateType.CRASHED, null);

        WindowStats sum = a.plus(b);

        assertThat(sum.finishedCounts())
                .containsEntry("FAILED", 1L)
                .containsEntry("COMPLETED", 1L)
                .containsEntry("CRASHED", 1L);
        assertThat(sum.retries()).isEqualTo(1);
        assertThat(sum.durations().count()).isEqualTo(2);
        assertThat(sum.minDurationSeconds()).isEqualTo(5.0);
        assertThat(sum.maxDurationSeconds()).isEqualTo(50.0);
        assertThat(sum.unknownDurationCount()).isEqualTo(1);
        assertThat(sum.failureRatio()).isEqualTo(2.0 / 3);
        assertThat(a.plus(WindowStats.empty())).isEqualTo(a);
    }
}
