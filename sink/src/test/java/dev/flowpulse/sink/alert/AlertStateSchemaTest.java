package dev.flowpulse.sink.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.flowpulse.contract.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The records {@link KafkaAlertStateStore} really writes match the contract's JSON Schemas
 * ({@code alert-state-key.schema.json}, {@code alert-state.schema.json}, from the contract jar),
 * and the store reads the contract's golden records.
 */
class AlertStateSchemaTest {

    private static final Path GOLDEN = Path.of("..", "contract", "src", "test", "resources", "golden");
    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final Map<String, String> LABELS = Map.of(
            "alertname", "DeploymentFailureRatioHigh",
            "severity", "page",
            "flow", "etl-orders",
            "deployment", "hourly-sync",
            "workspace", "prod",
            "team", "data-platform");
    /** A deployment alert of the running sink: no work_pool label value, no link (see the golden records). */
    private static final Alert FIRING = new Alert(LABELS, Map.of("summary", "hourly-sync fails 75% of its runs"), "");
    /** The same rule with a work pool and a Prefect UI link. */
    private static final Alert WITH_LINK = new Alert(
            withWorkPool(),
            Map.of("summary", "hourly-sync fails 75% of its runs"),
            "http://prefect:4200/deployments/deployment/aee50b18-a03c-49e4-883a-5acadf5c8614");

    private static Map<String, String> withWorkPool() {
        Map<String, String> labels = new java.util.HashMap<>(LABELS);
        labels.put("work_pool", "k8s-prod");
        return labels;
    }

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());

    static JsonSchema schema(String name) {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(
                SpecVersion.VersionFlag.V202012,
                builder -> builder.schemaMappers(
                        mappers -> mappers.mapPrefix("https://flowpulse.dev/schemas/", "classpath:schemas/")));
        return factory.getSchema(URI.create("https://flowpulse.dev/schemas/" + name + ".schema.json"));
    }

    @Test
    void shouldWriteTheGoldenRecordsKeysAndValuesTheSchemasAcceptAndTombstonesWithTheSameKey() throws IOException {
        Instant startsAt = Instant.parse("2026-05-04T10:00:00.123456Z");
        try (KafkaAlertStateStore store = store()) {
            store.put(new AlertState(FIRING, startsAt, null));
            store.put(new AlertState(WITH_LINK, startsAt, Instant.parse("2026-05-04T10:20:00.5Z")));
            store.remove(FIRING.labels());
        }

        List<ProducerRecord<byte[], byte[]>> written = producer.history();
        assertThat(written).hasSize(3);
        for (ProducerRecord<byte[], byte[]> r : written) {
            JsonNode key = PLAIN.readTree(r.key());
            assertThat(schema("alert-state-key").validate(key)).isEmpty();
            assertThat(key.properties().stream().map(Map.Entry::getKey).toList())
                    .as("sorted keys: one byte string per alert, for compaction")
                    .isSorted();
        }
        assertThat(PLAIN.readTree(written.get(0).key())).isEqualTo(golden("alert-state-key"));
        assertThat(written.get(2).key())
                .as("the tombstone's key")
                .isEqualTo(written.get(0).key());
        assertThat(written.get(2).value()).isNull();
        JsonNode firing = PLAIN.readTree(written.get(0).value());
        JsonNode resolved = PLAIN.readTree(written.get(1).value());
        assertThat(schema("alert-state").validate(firing)).isEmpty();
        assertThat(schema("alert-state").validate(resolved)).isEmpty();
        assertThat(firing).as("the sink writes what the golden record says").isEqualTo(golden("alert-state"));
        assertThat(resolved).isEqualTo(golden("alert-state--resolved"));
    }

    @Test
    void shouldRejectAValueWithoutStartsAtOrWithANonStringLabel() throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode value = (com.fasterxml.jackson.databind.node.ObjectNode)
                PLAIN.readTree(GOLDEN.resolve("alert-state.json").toFile());
        value.remove("starts_at");
        assertThat(schema("alert-state").validate(value)).isNotEmpty();
        JsonNode key = PLAIN.readTree("{\"alertname\": \"X\", \"severity\": \"page\", \"count\": 3}");
        assertThat(schema("alert-state-key").validate(key)).isNotEmpty();
    }

    @Test
    void shouldReadTheContractsGoldenRecords() throws IOException {
        AlertState firing = Json.mapper()
                .readValue(
                        Files.readAllBytes(GOLDEN.resolve("alert-state.json")), KafkaAlertStateStore.StoredState.class)
                .toState();
        AlertState resolved = Json.mapper()
                .readValue(
                        Files.readAllBytes(GOLDEN.resolve("alert-state--resolved.json")),
                        KafkaAlertStateStore.StoredState.class)
                .toState();
        Map<String, String> key = Json.mapper()
                .readValue(
                        Files.readAllBytes(GOLDEN.resolve("alert-state-key.json")),
                        new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {});

        assertThat(firing.firing()).isTrue();
        assertThat(firing.labels()).isEqualTo(key);
        assertThat(firing.startsAt()).isEqualTo(Instant.parse("2026-05-04T10:00:00.123456Z"));
        assertThat(resolved.resolvedAt()).isEqualTo(Instant.parse("2026-05-04T10:20:00.5Z"));
        assertThat(resolved.alert().generatorUrl()).startsWith("http://prefect:4200/deployments/deployment/");
    }

    private static JsonNode golden(String name) throws IOException {
        return PLAIN.readTree(GOLDEN.resolve(name + ".json").toFile());
    }

    private KafkaAlertStateStore store() {
        return new KafkaAlertStateStore(
                "flowpulse.alert-state",
                new Properties(),
                p -> {
                    throw new UnsupportedOperationException("no consumer in this test");
                },
                p -> producer);
    }
}
