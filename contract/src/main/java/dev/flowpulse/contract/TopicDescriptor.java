package dev.flowpulse.contract;

import java.util.Map;

/**
 * A topic's name with the configs it must be created with (cleanup policy, retention, segment
 * bounds), so the provisioner applies what the contract says instead of guessing from the name.
 * Every topic is bounded: {@code delete} with a retention, or {@code compact,delete} with a
 * retention (a table that forgets keys not updated for that long) and bounded segments so
 * compaction runs often and a rebuild reads O(keys).
 *
 * @param configs topic-level configs ({@code cleanup.policy}, {@code retention.ms}, {@code segment.ms}, ...)
 */
public record TopicDescriptor(String name, Map<String, String> configs) {

    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String RETENTION_MS = "retention.ms";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";

    public TopicDescriptor {
        configs = Map.copyOf(configs);
    }

    public boolean compacted() {
        return configs.getOrDefault(CLEANUP_POLICY, "delete").contains("compact");
    }
}
