package dev.flowpulse.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A related Prefect resource as named in an event: its id (the part after {@code prefect.<kind>.})
 * and its display name. {@link #NONE} stands for "the run has none" so labels are empty strings,
 * never null.
 */
public record ResourceRef(String id, String name) {

    public static final ResourceRef NONE = new ResourceRef("", "");

    public ResourceRef {
        id = id == null ? "" : id;
        name = name == null ? "" : name;
    }

    @JsonIgnore
    public boolean isPresent() {
        return !id.isEmpty();
    }
}
