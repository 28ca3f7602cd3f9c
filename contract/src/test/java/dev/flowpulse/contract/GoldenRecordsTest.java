package dev.flowpulse.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden record ({@code src/test/resources/golden/<schema>[--<variant>].json}, written by the
 * topology in the streams module's {@code ContractGoldenTest}; {@code alert-state*} by the sink's
 * {@code KafkaAlertStateStore} in its {@code AlertStateSchemaTest}) is valid against its JSON Schema
 * ({@code src/main/resources/schemas/<schema>.schema.json}), every schema has a golden record, and
 * the record types read every golden record back.
 */
class GoldenRecordsTest {

    static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static List<String> goldenNames() throws IOException {
        try (Stream<Path> files = Files.list(GOLDEN)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length()))
                    .sorted()
                    .toList();
        }
    }

    static String schemaName(String golden) {
        return golden.contains("--") ? golden.substring(0, golden.indexOf("--")) : golden;
    }

    /** Schemas refer to each other by their {@code $id}; resolved from the classpath, never the network. */
    static JsonSchema schema(String name) {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(
                SpecVersion.VersionFlag.V202012,
                builder -> builder.schemaMappers(
                        mappers -> mappers.mapPrefix("https://flowpulse.dev/schemas/", "classpath:schemas/")));
        return factory.getSchema(java.net.URI.create("https://flowpulse.dev/schemas/" + name + ".schema.json"));
    }

    private static JsonNode golden(String name) throws IOException {
        return MAPPER.readTree(GOLDEN.resolve(name + ".json").toFile());
    }

    @ParameterizedTest
    @MethodSource("goldenNames")
    void shouldMatchItsSchema(String name) throws IOException {
        assertThat(schema(schemaName(name)).validate(golden(name))).isEmpty();
    }

    @Test
    void shouldHaveAGoldenRecordForEverySchema() throws IOException {
        Set<String> covered =
                goldenNames().stream().map(GoldenRecordsTest::schemaName).collect(Collectors.toSet());
        try (Stream<Path> schemas = Files.list(Path.of("src", "main", "resources", "schemas"))) {
            Set<String> all = schemas.map(p -> p.getFileName().toString().replace(".schema.json", ""))
                    .collect(Collectors.toSet());
            assertThat(covered).isEqualTo(all);
        }
    }

    @Test
    void shouldRejectAWindowWithoutItsFailureRatioOrWithAZeroForNothingFinished() throws IOException {
        ObjectNode stats = (ObjectNode) golden("window-stats");
        stats.remove("failure_ratio");
        assertThat(schema("window-stats").validate(stats)).isNotEmpty();
        stats.put("failure_ratio", 1.5);
        assertThat(schema("window-stats").validate(stats)).isNotEmpty();
    }

    @Test
    void shouldReadEveryGoldenRecordIntoItsRecordType() throws IOException {
        assertThat(read("flow-run-transition", FlowRunTransition.class).finishesRun())
                .isTrue();
        assertThat(read("finished-flow-run", FinishedFlowRun.class).durationKnown())
                .isTrue();
        assertThat(read("finished-flow-run--unknown-duration", FinishedFlowRun.class)
                        .totalRunTimeSeconds())
                .isNull();
        assertThat(read("finished-total--unknown-duration", FinishedTotal.class).count())
                .isEqualTo(1);
        assertThat(read("state-total", StateTotal.class).series()).isEqualTo(read("state-series", StateSeries.class));
        assertThat(read("window-stats", WindowStats.class).failureRatio()).isEqualTo(0.0);
        assertThat(read("window-key--hopping", WindowKey.class).windowAdvanceSeconds())
                .isEqualTo(60);
        assertThat(read("in-progress-run", InProgressRun.class).stuck()).isFalse();
        assertThat(read("late-record", LateRecord.class).reason()).isEqualTo(LateRecord.WINDOW_CLOSED);
    }

    private static <T> T read(String name, Class<T> type) throws IOException {
        return JsonSerde.of(type).deserialize("golden", Files.readAllBytes(GOLDEN.resolve(name + ".json")));
    }
}
