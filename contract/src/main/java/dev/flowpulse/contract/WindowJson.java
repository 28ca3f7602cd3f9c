package dev.flowpulse.contract;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Direct JSON writers for the two records the topology writes most ({@link WindowKey} and
 * {@link WindowStats}: every window update and final), registered on {@link Json#mapper()}. They
 * write the same bytes as Jackson's bean serialization under that mapper's settings (properties in
 * its order, map entries sorted by key, instants as ISO-8601 text, nulls written), which
 * {@code WindowJsonTest} checks against the reflective mapper on drawn values; only faster: no
 * property introspection per record, no re-sorting of the already sorted count maps, and the
 * window bounds' text cached (the windows of one end share them).
 *
 * <p>Thread safe: the serializers hold no state but an immutable-entry cache.
 */
final class WindowJson {

    // Field names encoded once.
    private static final SerializedString BOUNDS_SECONDS = new SerializedString("bounds_seconds");
    private static final SerializedString CLOSED = new SerializedString("closed");
    private static final SerializedString COUNT = new SerializedString("count");
    private static final SerializedString COUNTS = new SerializedString("counts");
    private static final SerializedString DIMENSION = new SerializedString("dimension");
    private static final SerializedString DURATIONS = new SerializedString("durations");
    private static final SerializedString FAILED_TOTAL = new SerializedString("failed_total");
    private static final SerializedString FAILURE_RATIO = new SerializedString("failure_ratio");
    private static final SerializedString FINISHED_COUNTS = new SerializedString("finished_counts");
    private static final SerializedString FINISHED_TOTAL = new SerializedString("finished_total");
    private static final SerializedString GROUP = new SerializedString("group");
    private static final SerializedString MAX_DURATION_SECONDS = new SerializedString("max_duration_seconds");
    private static final SerializedString MIN_DURATION_SECONDS = new SerializedString("min_duration_seconds");
    private static final SerializedString RETRIES = new SerializedString("retries");
    private static final SerializedString SCHEMA_VERSION = new SerializedString("schema_version");
    private static final SerializedString STATE_COUNTS = new SerializedString("state_counts");
    private static final SerializedString STATE_NAME_COUNTS = new SerializedString("state_name_counts");
    private static final SerializedString SUM_SECONDS = new SerializedString("sum_seconds");
    private static final SerializedString UNKNOWN_DURATION_COUNT = new SerializedString("unknown_duration_count");
    private static final SerializedString WINDOW_ADVANCE_SECONDS = new SerializedString("window_advance_seconds");
    private static final SerializedString WINDOW_END = new SerializedString("window_end");
    private static final SerializedString WINDOW_SIZE_SECONDS = new SerializedString("window_size_seconds");
    private static final SerializedString WINDOW_START = new SerializedString("window_start");
    private static final SerializedString WORKSPACE = new SerializedString("workspace");

    private WindowJson() {}

    static SimpleModule module() {
        SimpleModule module = new SimpleModule("flowpulse-window-json");
        module.addSerializer(WindowKey.class, new KeySerializer());
        module.addSerializer(WindowStats.class, new StatsSerializer());
        return module;
    }

    static final class KeySerializer extends StdSerializer<WindowKey> {
        private static final long serialVersionUID = 1L;
        private final transient InstantText instants = new InstantText();

        KeySerializer() {
            super(WindowKey.class);
        }

        @Override
        public void serialize(WindowKey key, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartObject();
            writeString(gen, DIMENSION, key.dimension());
            gen.writeFieldName(GROUP);
            writeSortedStrings(gen, key.group());
            writeLong(gen, WINDOW_ADVANCE_SECONDS, key.windowAdvanceSeconds());
            writeString(gen, WINDOW_END, instants.text(key.windowEnd()));
            writeLong(gen, WINDOW_SIZE_SECONDS, key.windowSizeSeconds());
            writeString(gen, WINDOW_START, instants.text(key.windowStart()));
            writeString(gen, WORKSPACE, key.workspace());
            gen.writeEndObject();
        }
    }

    static final class StatsSerializer extends StdSerializer<WindowStats> {
        private static final long serialVersionUID = 1L;
        private static final double[] BOUNDS = DurationHistogram.BOUNDS.stream()
                .mapToDouble(Double::doubleValue)
                .toArray();
        /** The fixed bounds as {@code writeArray} writes them without a pretty printer. */
        private static final String BOUNDS_TEXT = "["
                + DurationHistogram.BOUNDS.stream()
                        .map(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(","))
                + "]";

        StatsSerializer() {
            super(WindowStats.class);
        }

        @Override
        public void serialize(WindowStats stats, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartObject();
            gen.writeFieldName(CLOSED);
            gen.writeBoolean(stats.closed());
            gen.writeFieldName(DURATIONS);
            writeHistogram(gen, stats.durations());
            gen.writeFieldName(FINISHED_COUNTS);
            writeSortedCounts(gen, stats.finishedCounts());
            writeDouble(gen, MAX_DURATION_SECONDS, stats.maxDurationSeconds());
            writeDouble(gen, MIN_DURATION_SECONDS, stats.minDurationSeconds());
            writeLong(gen, RETRIES, stats.retries());
            gen.writeFieldName(STATE_COUNTS);
            writeSortedCounts(gen, stats.stateCounts());
            gen.writeFieldName(STATE_NAME_COUNTS);
            writeSortedCounts(gen, stats.stateNameCounts());
            writeLong(gen, UNKNOWN_DURATION_COUNT, stats.unknownDurationCount());
            writeLong(gen, FAILED_TOTAL, stats.failedTotal());
            writeDouble(gen, FAILURE_RATIO, stats.failureRatio());
            writeLong(gen, FINISHED_TOTAL, stats.finishedTotal());
            writeLong(gen, SCHEMA_VERSION, stats.schemaVersion());
            gen.writeEndObject();
        }

        private static void writeHistogram(JsonGenerator gen, DurationHistogram h) throws IOException {
            gen.writeStartObject();
            writeLong(gen, COUNT, h.count());
            gen.writeFieldName(COUNTS);
            long[] counts = h.counts();
            gen.writeArray(counts, 0, counts.length);
            gen.writeFieldName(SUM_SECONDS);
            gen.writeNumber(h.sumSeconds());
            gen.writeFieldName(BOUNDS_SECONDS);
            if (gen.getPrettyPrinter() == null) {
                // The fixed bounds, as writeArray would write them without a pretty printer.
                gen.writeRawValue(BOUNDS_TEXT);
            } else {
                gen.writeArray(BOUNDS, 0, BOUNDS.length);
            }
            gen.writeEndObject();
        }
    }

    private static void writeString(JsonGenerator gen, SerializableString name, String value) throws IOException {
        gen.writeFieldName(name);
        if (value == null) {
            gen.writeNull();
        } else {
            gen.writeString(value);
        }
    }

    private static void writeLong(JsonGenerator gen, SerializableString name, long value) throws IOException {
        gen.writeFieldName(name);
        gen.writeNumber(value);
    }

    private static void writeDouble(JsonGenerator gen, SerializableString name, Double value) throws IOException {
        gen.writeFieldName(name);
        if (value == null) {
            gen.writeNull();
        } else {
            gen.writeNumber(value.doubleValue());
        }
    }

    /** A count map, entries by key ({@link WindowStats} keeps them sorted already). */
    private static void writeSortedCounts(JsonGenerator gen, Map<String, Long> counts) throws IOException {
        gen.writeStartObject();
        for (Map.Entry<String, Long> e : sorted(counts).entrySet()) {
            gen.writeFieldName(e.getKey());
            gen.writeNumber(e.getValue().longValue());
        }
        gen.writeEndObject();
    }

    private static void writeSortedStrings(JsonGenerator gen, Map<String, String> values) throws IOException {
        gen.writeStartObject();
        for (Map.Entry<String, String> e : sorted(values).entrySet()) {
            gen.writeFieldName(e.getKey());
            if (e.getValue() == null) {
                gen.writeNull();
            } else {
                gen.writeString(e.getValue());
            }
        }
        gen.writeEndObject();
    }

    private static <V> Map<String, V> sorted(Map<String, V> map) {
        return map instanceof java.util.SortedMap<String, V> || map.size() < 2 ? map : new TreeMap<>(map);
    }

    /**
     * ISO-8601 text of instants ({@link Instant#toString}, what Jackson's {@code InstantSerializer}
     * writes), the last few cached: window bounds repeat from record to record.
     */
    private static final class InstantText {
        private record Entry(Instant instant, String text) {}

        private final Entry[] entries = new Entry[64];

        String text(Instant instant) {
            if (instant == null) {
                return null;
            }
            int slot = Math.floorMod(instant.getEpochSecond() / 60, entries.length);
            Entry entry = entries[slot];
            if (entry != null && entry.instant.equals(instant)) {
                return entry.text;
            }
            String text = instant.toString();
            entries[slot] = new Entry(instant, text);
            return text;
        }
    }
}
