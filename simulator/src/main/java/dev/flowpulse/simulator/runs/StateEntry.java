package dev.flowpulse.simulator.runs;

import java.time.Instant;

/** One state of a flow run as read from its state-change event. Immutable. */
public record StateEntry(String id, String type, String name, String message, Instant timestamp, int runCount) {

    public boolean isRunning() {
        return "RUNNING".equals(type);
    }

    public boolean isTerminal() {
        return switch (type) {
            case "COMPLETED", "FAILED", "CANCELLED", "CRASHED" -> true;
            default -> false;
        };
    }
}
