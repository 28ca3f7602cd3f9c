package dev.flowpulse.sink;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.flowpulse.contract.Json;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the records of ingest's compacted flow-run history topic (read by a
 * {@link CompactedTopicReader}) to a {@link HistoryTable}. Key {@code {"interval_start","state_name","state_type","workspace"}},
 * value {@code {"count_runs","sum_estimated_run_time","sum_estimated_lateness","schema_version": 1, ...}}
 * (ingest's {@code history.HistoryBucket}), or null: a tombstone that removes the cell. A record it
 * cannot read (or of another {@code schema_version}) is skipped, counted in
 * {@code flowpulse_sink_history_records_rejected_total} and the first one logged at WARN.
 *
 * <p>Called on the reader's thread; the counters may be read from any thread.
 */
final class HistoryConsumer implements CompactedTopicReader.Handler {

    static final int SCHEMA_VERSION = 1;
    /** Decimals as written: the sums are Prefect's float seconds, summed exactly. */
    private static final ObjectReader READER =
            Json.mapper().reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private static final Logger log = LoggerFactory.getLogger(HistoryConsumer.class);

    private final HistoryTable table;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final SinkDeadLetters deadLetters;
    private volatile boolean rejectLogged;

    HistoryConsumer(HistoryTable table) {
        this(table, SinkDeadLetters.discarding());
    }

    HistoryConsumer(HistoryTable table, SinkDeadLetters deadLetters) {
        this.table = table;
        this.deadLetters = deadLetters;
    }

    long rejected() {
        return rejected.get();
    }

    /** Registers {@code flowpulse_sink_history_*}; the returned meters are removed by the caller. */
    List<Meter> bind(MeterRegistry registry, BooleanSupplier caughtUp) {
        return List.of(
                Gauge.builder("flowpulse.sink.history.caught_up", caughtUp, c -> c.getAsBoolean() ? 1 : 0)
                        .description("1 once the flow-run history topic was read up to the end offsets seen at"
                                + " start (the history gauges are served from then on), else 0")
                        .strongReference(true) // the supplier is a method reference nothing else holds
                        .register(registry),
                Gauge.builder("flowpulse.sink.history.cells", table, HistoryTable::size)
                        .description("Cells of the flow-run history topic currently held")
                        .register(registry),
                FunctionCounter.builder("flowpulse.sink.history.records_applied", applied, AtomicLong::get)
                        .description("Records of the flow-run history topic applied (upserts and tombstones)")
                        .register(registry),
                FunctionCounter.builder("flowpulse.sink.history.records_rejected", rejected, AtomicLong::get)
                        .description("Records of the flow-run history topic skipped as unreadable")
                        .register(registry));
    }

    @Override
    public void apply(ConsumerRecord<byte[], byte[]> record) {
        Optional<HistoryTable.CellKey> key = key(record.key());
        if (key.isEmpty()) {
            reject(record.topic(), record.partition(), record.offset(), "unreadable key");
            deadLetters.send(record, "unreadable-key", "the key is not a flow-run history key (HistoryKey)");
            return;
        }
        if (record.value() == null) {
            table.remove(key.get());
            applied.incrementAndGet();
            return;
        }
        Optional<HistoryTable.Cell> cell = cell(record.value());
        if (cell.isEmpty()) {
            reject(record.topic(), record.partition(), record.offset(), "unreadable value or other schema_version");
            deadLetters.send(
                    record, "unreadable-value", "the value is not a flow-run history bucket of this schema_version");
            return;
        }
        table.put(key.get(), cell.get());
        applied.incrementAndGet();
    }

    @Override
    public void corrupt(TopicPartition partition, long offset, String detail) {
        reject(partition.topic(), partition.partition(), offset, "corrupt record");
        deadLetters.sendCorrupt(partition, offset);
    }

    @Override
    public String caughtUpSummary() {
        return ": " + table.size() + " history cells";
    }

    static Optional<HistoryTable.CellKey> key(byte[] bytes) {
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            JsonNode node = READER.readTree(bytes);
            JsonNode workspace = node.path("workspace");
            JsonNode type = node.path("state_type");
            JsonNode name = node.path("state_name");
            if (!workspace.isTextual() || !type.isTextual() || !name.isTextual()) {
                return Optional.empty();
            }
            return Optional.of(new HistoryTable.CellKey(
                    workspace.asText(),
                    Instant.parse(node.path("interval_start").asText("")),
                    type.asText(),
                    name.asText()));
        } catch (IOException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    static Optional<HistoryTable.Cell> cell(byte[] bytes) {
        try {
            JsonNode node = READER.readTree(bytes);
            JsonNode count = node.path("count_runs");
            JsonNode runTime = node.path("sum_estimated_run_time");
            JsonNode lateness = node.path("sum_estimated_lateness");
            if (node.path("schema_version").asInt(0) != SCHEMA_VERSION
                    || !count.canConvertToLong()
                    || count.asLong() < 0
                    || !runTime.isNumber()
                    || !lateness.isNumber()) {
                return Optional.empty();
            }
            return Optional.of(new HistoryTable.Cell(count.asLong(), runTime.decimalValue(), lateness.decimalValue()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void reject(String topic, int partition, long offset, String why) {
        rejected.incrementAndGet();
        if (!rejectLogged) {
            rejectLogged = true;
            log.warn(
                    "Skipping a record of {} (partition {}, offset {}): {}; later ones are only counted",
                    topic,
                    partition,
                    offset,
                    why);
        }
    }
}
