package dev.flowpulse.sink;

import static dev.flowpulse.sink.SampleSeries.deployed;
import static dev.flowpulse.sink.SampleSeries.durations;
import static dev.flowpulse.sink.SampleSeries.finished;
import static dev.flowpulse.sink.SampleSeries.state;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.contract.DurationHistogram;
import dev.flowpulse.contract.FinishedSeries;
import dev.flowpulse.contract.StateSeries;
import org.junit.jupiter.api.Test;

class TotalsTableTest {

    private final TotalsTable table = new TotalsTable();
    private final StateSeries running = state(deployed("Running"));
    private final FinishedSeries completed = finished(deployed("Completed"));

    @Test
    void shouldReplaceATotalWithTheLatestHigherOne() {
        assertThat(table.putStateCount(running, 3)).isEqualTo(TotalsTable.Outcome.APPLIED);
        assertThat(table.putStateCount(running, 5)).isEqualTo(TotalsTable.Outcome.APPLIED);

        assertThat(table.stateCounts()).containsExactly(java.util.Map.entry(running, 5L));
    }

    @Test
    void shouldAcceptTheSameTotalAgainAsAReplay() {
        table.putStateCount(running, 3);

        assertThat(table.putStateCount(running, 3)).isEqualTo(TotalsTable.Outcome.APPLIED);
        assertThat(table.stateCounts().get(running)).isEqualTo(3L);
    }

    @Test
    void shouldKeepTheHigherCountWhenANewerRecordIsLower() {
        table.putStateCount(running, 5);

        assertThat(table.putStateCount(running, 4)).isEqualTo(TotalsTable.Outcome.NON_MONOTONIC);
        assertThat(table.stateCounts().get(running)).isEqualTo(5L);
    }

    @Test
    void shouldKeepTheHigherHistogramWhenANewerOneHasFewerRuns() {
        DurationHistogram two = durations(10.0, 20.0);
        table.putFinished(completed, two);

        assertThat(table.putFinished(completed, durations(10.0))).isEqualTo(TotalsTable.Outcome.NON_MONOTONIC);
        assertThat(table.finishedTotals().get(completed).histogram()).isEqualTo(two);
    }

    @Test
    void shouldRefuseAHistogramWhoseBucketGoesDownEvenIfItsCountDoesNot() {
        DurationHistogram held = durations(0.5, 100.0);
        table.putFinished(completed, held);

        // same count and sum, but the run moved from the 1 s bucket to a higher one: a bucket series would drop
        DurationHistogram moved =
                new DurationHistogram(2, held.sumSeconds(), durations(2.0, 98.5).counts());

        assertThat(table.putFinished(completed, moved)).isEqualTo(TotalsTable.Outcome.NON_MONOTONIC);
        assertThat(table.finishedTotals().get(completed).histogram()).isEqualTo(held);
    }

    @Test
    void shouldAcceptAHistogramThatGrew() {
        table.putFinished(completed, durations(10.0));

        assertThat(table.putFinished(completed, durations(10.0, 700.0))).isEqualTo(TotalsTable.Outcome.APPLIED);
        assertThat(table.finishedTotals().get(completed).count()).isEqualTo(2);
    }
}
