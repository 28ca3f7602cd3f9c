package dev.flowpulse.streams.window;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.contract.JsonSerde;
import dev.flowpulse.contract.StateType;
import dev.flowpulse.contract.WindowStats;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mutable hopping sum gives exactly what folding {@link WindowStats#plus} gives, to the JSON byte. */
class StatsSumTest {

    private static final JsonSerde<WindowStats> JSON = JsonSerde.of(WindowStats.class);

    private static List<WindowStats> slices() {
        List<WindowStats> slices = new ArrayList<>();
        slices.add(WindowStats.empty()
                .plusState(StateType.RUNNING, "Running", false)
                .plusState(StateType.COMPLETED, "Completed", false)
                .plusFinish(StateType.COMPLETED, 12.345678));
        slices.add(WindowStats.empty());
        slices.add(WindowStats.empty()
                .plusState(StateType.RUNNING, "Retrying", true)
                .plusState(StateType.FAILED, "Failed", false)
                .plusFinish(StateType.FAILED, null)
                .plusFinish(StateType.CRASHED, 0.1));
        slices.add(WindowStats.empty()
                .plusState(StateType.SCHEDULED, "Late", false)
                .plusFinish(StateType.COMPLETED, 86_400.5)
                .plusFinish(StateType.COMPLETED, 0.3));
        return slices;
    }

    @Test
    void shouldSumSlicesLikeTheImmutableFold() {
        WindowStats fold = WindowStats.empty();
        StatsSum sum = new StatsSum();
        for (WindowStats slice : slices()) {
            fold = fold.plus(slice);
            sum.add(slice);
        }

        assertThat(sum.result(false)).isEqualTo(fold);
        assertThat(sum.result(true)).isEqualTo(fold.asClosed());
        assertThat(JSON.serialize("t", sum.result(false))).isEqualTo(JSON.serialize("t", fold));
        assertThat(sum.result(false).minDurationSeconds()).isEqualTo(0.1);
        assertThat(sum.result(false).maxDurationSeconds()).isEqualTo(86_400.5);
        assertThat(sum.result(false).unknownDurationCount()).isEqualTo(1);
    }

    @Test
    void shouldGiveTheEmptyWindowForNoSlices() {
        assertThat(new StatsSum().result(false)).isEqualTo(WindowStats.empty());
        assertThat(JSON.serialize("t", new StatsSum().result(true)))
                .isEqualTo(JSON.serialize("t", WindowStats.empty().asClosed()));
    }
}
