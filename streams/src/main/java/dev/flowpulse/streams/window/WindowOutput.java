package dev.flowpulse.streams.window;

import dev.flowpulse.contract.LateRecord;
import dev.flowpulse.contract.WindowKey;
import dev.flowpulse.contract.WindowStats;

/**
 * One record the window processor forwards: an update of an open window, the final result of a
 * closed one, or a contribution refused as late. Only travels in memory to the next DSL step.
 */
public record WindowOutput(Kind kind, WindowKey key, WindowStats stats, LateRecord late) {

    public enum Kind {
        UPDATE,
        FINAL,
        LATE
    }

    public boolean is(Kind expected) {
        return kind == expected;
    }
}
