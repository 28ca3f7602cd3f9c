package dev.flowpulse.contract;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Value of the state-totals topic: how many distinct times runs of this series entered this state,
 * since the topology's state began. Monotonic; the latest record per key is the current total.
 */
public record StateTotal(StateSeries series, long count) {

    @JsonProperty(value = "schema_version", access = JsonProperty.Access.READ_ONLY)
    public int schemaVersion() {
        return SchemaVersion.CURRENT;
    }
}
