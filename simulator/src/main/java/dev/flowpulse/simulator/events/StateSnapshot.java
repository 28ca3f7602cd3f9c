package dev.flowpulse.simulator.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One flow-run state as the server stores it: its id (= the state-change event id), Prefect
 * StateType wire value, name, optional message and timestamp. Immutable.
 */
public record StateSnapshot(UUID id, String type, String name, String message, Instant timestamp) {
    public StateSnapshot {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(timestamp, "timestamp");
        message = message == null ? "" : message;
    }
}
