package dev.flowpulse.simulator.events;

import java.util.Objects;
import java.util.UUID;

/** A Prefect object referenced from an event: its id and display name. Immutable. */
public record NamedRef(UUID id, String name) {
    public NamedRef {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
    }
}
