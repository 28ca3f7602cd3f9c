package dev.flowpulse.streams;

import static dev.flowpulse.streams.SampleEvents.crimsonFoxLifecycle;
import static dev.flowpulse.streams.SampleEvents.derive;
import static dev.flowpulse.streams.SampleEvents.eventId;
import static dev.flowpulse.streams.SampleEvents.sample;
import static dev.flowpulse.streams.SampleEvents.tagged;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology's real output, one record of every public shape, against the golden records in
 * {@code contract/src/test/resources/golden/} and the JSON Schemas in
 * {@code contract/src/main/resources/schemas/}. Golden file {@code <schema>[--<variant>].json}.
 * Run with {@code -Dflowpulse.golden.write=true} to rewrite the golden files after an intended change.
 */
class ContractGoldenTest {

    /** The reactor's contract module, seen from this module's directory (surefire's working directory). */
    static final Path GOLDEN = Path.of("..", "contract", "src", "test", "resources", "golden");

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @TempDir
    Path stateDir;

    @Test
    void shouldWriteWhatTheGoldenRecordsAndSchemasSay() throws IOException {
        Map<String, JsonNode> produced = produce();

        assertThat(produced.keySet())
                .containsExactlyInAnyOrderElementsOf(goldenNames())
                .as("every golden record is produced by the topology, and every produced shape has one");
        for (Map.Entry<String, JsonNode> record : produced.entrySet()) {
            JsonNode golden = golden(record.getKey());
            assertThat(record.getValue()).as(record.getKey()).isEqualTo(golden);
            Set<ValidationMessage> problems = schemaOf(record.getKey()).validate(record.getValue());
            assertThat(problems).as(record.getKey()).isEmpty();
        }
    }

    /** A scenario that makes every public record once; returns name → JSON. */
    private Map<String, JsonNode> produce() throws IOException {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        try (TopologyHarness h = new TopologyHarness(stateDir)) {
            // crimson-fox, tagged team:data, in order; brave-otter's Failed alone (Running never seen)
            List<com.fasterxml.jackson.databind.node.ObjectNode> fox = crimsonFoxLifecycle().stream()
                    .map(e -> tagged(e, "team:data"))
                    .toList();
            h.pipeAll(fox.subList(0, 4));
            List<TestRecord<String, byte[]>> inProgress = raw(h, h.topics.inProgressRuns());
            out.put(
                    "in-progress-run",
                    json(inProgress.get(inProgress.size() - 1).value()));
            h.pipe(fox.get(4));
            h.pipe(sample("Failed"));
            List<TestRecord<String, byte[]>> transitions = raw(h, h.topics.states());
            out.put(
                    "flow-run-transition", // crimson-fox's Completed; the last one is brave-otter's Failed
                    json(transitions.get(transitions.size() - 2).value()));
            out.put(
                    "finished-flow-run",
                    json(raw(h, h.topics.finishedRuns()).get(0).value()));
            TestRecord<byte[], byte[]> completedTotal =
                    lastWithKey(rawKeyed(h, h.topics.finishedTotals()), "\"state_type\":\"COMPLETED\"");
            out.put("finished-series", json(completedTotal.key()));
            out.put("finished-total", json(completedTotal.value()));
            TestRecord<byte[], byte[]> stateTotal =
                    lastWithKey(rawKeyed(h, h.topics.stateTotals()), "\"state\":\"Completed\"");
            out.put("state-series", json(stateTotal.key()));
            out.put("state-total", json(stateTotal.value()));

            // brave-otter settles with its duration unknown once the pipeline is 15 min past its Failed
            h.advanceWallClock(TopologySettings.DEFAULT_FINISH_SETTLE_TIMEOUT);
            out.put(
                    "finished-flow-run--unknown-duration",
                    json(raw(h, h.topics.finishedRuns()).get(0).value()));
            out.put(
                    "finished-total--unknown-duration",
                    json(lastWithKey(rawKeyed(h, h.topics.finishedTotals()), "\"state_type\":\"FAILED\"")
                            .value()));

            String flowFiveMinutes = "\"dimension\":\"flow\"";
            TestRecord<byte[], byte[]> update = lastWithKey(
                    filter(rawKeyed(h, h.topics.windowStats()), "\"window_size_seconds\":300", "09:05:00Z"),
                    flowFiveMinutes);
            out.put("window-key", json(update.key()));
            out.put("window-stats", json(update.value()));

            h.advanceWallClock(TopologySettings.DEFAULT_WINDOW_GRACE.plus(Duration.ofHours(1)));
            TestRecord<byte[], byte[]> hopping = lastWithKey(
                    filter(
                            rawKeyed(h, h.topics.windowStatsFinal()),
                            "\"window_advance_seconds\":60",
                            "\"window_size_seconds\":900",
                            "09:07:00Z"),
                    flowFiveMinutes);
            out.put("window-key--hopping", json(hopping.key()));
            out.put("window-stats--hopping-final", json(hopping.value()));

            // An event older than every open window: late for all three sizes
            h.pipe(derive(
                    sample("Scheduled"),
                    "019df300-9999-7000-8000-000000000001",
                    eventId(1),
                    Instant.parse("2026-05-04T05:00:00Z")));
            out.put("late-record", json(raw(h, h.topics.lateRecords()).get(0).value()));
        }
        if (Boolean.getBoolean("flowpulse.golden.write")) {
            Files.createDirectories(GOLDEN);
            for (Map.Entry<String, JsonNode> e : out.entrySet()) {
                Files.writeString(GOLDEN.resolve(e.getKey() + ".json"), MAPPER.writeValueAsString(e.getValue()) + "\n");
            }
        }
        return out;
    }

    private static List<TestRecord<String, byte[]>> raw(TopologyHarness h, String topic) {
        return h.driver
                .createOutputTopic(
                        topic,
                        new org.apache.kafka.common.serialization.StringDeserializer(),
                        new ByteArrayDeserializer())
                .readRecordsToList();
    }

    private static List<TestRecord<byte[], byte[]>> rawKeyed(TopologyHarness h, String topic) {
        return h.driver
                .createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
    }

    private static List<TestRecord<byte[], byte[]>> filter(
            List<TestRecord<byte[], byte[]>> records, String... keyParts) {
        return records.stream()
                .filter(r -> {
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    for (String part : keyParts) {
                        if (!key.contains(part)) {
                            return false;
                        }
                    }
                    return true;
                })
                .toList();
    }

    private static TestRecord<byte[], byte[]> lastWithKey(List<TestRecord<byte[], byte[]>> records, String keyPart) {
        List<TestRecord<byte[], byte[]>> matching = filter(records, keyPart);
        assertThat(matching).as("records with a key containing " + keyPart).isNotEmpty();
        return matching.get(matching.size() - 1);
    }

    private static JsonNode json(byte[] bytes) throws IOException {
        return MAPPER.readTree(bytes);
    }

    private static List<String> goldenNames() throws IOException {
        try (var files = Files.list(GOLDEN)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length()))
                    .filter(n -> !n.startsWith("alert-state")) // the sink writes these: its AlertStateSchemaTest
                    .toList();
        }
    }

    private static JsonNode golden(String name) throws IOException {
        return MAPPER.readTree(GOLDEN.resolve(name + ".json").toFile());
    }

    /** The schema of a golden record; schemas refer to each other by {@code $id}, resolved from the classpath. */
    static JsonSchema schemaOf(String goldenName) {
        String schema = goldenName.contains("--") ? goldenName.substring(0, goldenName.indexOf("--")) : goldenName;
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(
                SpecVersion.VersionFlag.V202012,
                builder -> builder.schemaMappers(
                        mappers -> mappers.mapPrefix("https://flowpulse.dev/schemas/", "classpath:schemas/")));
        return factory.getSchema(java.net.URI.create("https://flowpulse.dev/schemas/" + schema + ".schema.json"));
    }
}
