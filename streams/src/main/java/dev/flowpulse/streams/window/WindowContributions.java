package dev.flowpulse.streams.window;

import java.util.ArrayList;
import java.util.List;

/**
 * The contributions of one group batched between two commits ({@code CommitBatcher}), in their
 * order: the value of the {@code window-contributions-by-group} repartition. The list grows while
 * the batch is pending (one task's stream thread), and is not changed once forwarded.
 */
public record WindowContributions(List<WindowContribution> values) {

    /** A pending batch holding {@code first}. */
    public static WindowContributions of(WindowContribution first) {
        List<WindowContribution> values = new ArrayList<>();
        values.add(first);
        return new WindowContributions(values);
    }

    /** This pending batch with {@code next} added. */
    public WindowContributions plus(WindowContribution next) {
        values.add(next);
        return this;
    }
}
