package dev.flowpulse.contract;

/**
 * The version of the JSON shape of flowpulse's public topic values, written as {@code schema_version}
 * into every value (never into keys: a key's bytes are its identity under compaction). It is raised
 * only when a field changes meaning or disappears; added fields keep the version (consumers ignore
 * unknown fields). The JSON Schemas are in {@code contract/src/main/resources/schemas/}.
 */
public final class SchemaVersion {

    public static final int CURRENT = 1;

    private SchemaVersion() {}
}
