package dev.flowpulse.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.Json;
import dev.flowpulse.testkit.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The info gauges from the finished-run and in-progress records the real topology writes for the
 * Prefect samples (the contract's golden records).
 */
class InfoCollectorTest {

    private static final Path GOLDEN = Path.of("..", "contract", "src", "test", "resources", "golden");
    private static final String FLOW_ID = "3b212781-78ed-4463-b3bd-e3a35f088caf";
    private static final String DEPLOYMENT_ID = "aee50b18-a03c-49e4-883a-5acadf5c8614";

    @Test
    void shouldServeEveryFlowAndDeploymentSeenWithItsIds() {
        String scraped = scrape(sampleCatalog(), true);

        var samples = PrometheusText.parse(scraped);
        assertThat(PrometheusText.named(samples, "prefect_flow_info"))
                .extracting(PrometheusText.Sample::labels)
                .containsExactlyInAnyOrder(
                        Map.of("workspace", "test-workspace", "flow", "etl-orders", "flow_id", FLOW_ID),
                        Map.of("workspace", "test-workspace", "flow", "adhoc-report", "flow_id", "f-adhoc"));
        assertThat(PrometheusText.value(
                        samples,
                        "prefect_deployment_info",
                        Map.of(
                                "workspace", "test-workspace",
                                "flow", "etl-orders",
                                "deployment", "hourly-sync",
                                "deployment_id", DEPLOYMENT_ID,
                                "flow_id", FLOW_ID,
                                "work_pool", "k8s-prod")))
                .hasValue(1.0);
        assertThat(PrometheusText.named(samples, "prefect_deployment_info")).hasSize(1);
    }

    @Test
    void shouldServeNothingBeforeTheTopicsAreCaughtUpAndIgnoreTombstonesAndJunk() {
        RunCatalog catalog = sampleCatalog();
        catalog.apply(new ConsumerRecord<>("t", 0, 9, "run".getBytes(), null));
        catalog.apply(new ConsumerRecord<>("t", 0, 10, "run".getBytes(), "not json".getBytes()));

        assertThat(catalog.rejected()).isEqualTo(1);
        assertThat(catalog.flows()).hasSize(2);
        assertThat(scrape(catalog, false)).doesNotContain("prefect_");
    }

    /** The golden finished run and in-progress run, and an ad-hoc run of another flow without a deployment. */
    static RunCatalog sampleCatalog() {
        RunCatalog catalog = new RunCatalog();
        try {
            catalog.apply(record(Files.readAllBytes(GOLDEN.resolve("finished-flow-run.json"))));
            catalog.apply(record(Files.readAllBytes(GOLDEN.resolve("in-progress-run.json"))));
            ObjectNode adHoc = (ObjectNode) Json.mapper()
                    .readTree(GOLDEN.resolve("in-progress-run.json").toFile());
            adHoc.putObject("flow").put("id", "f-adhoc").put("name", "adhoc-report");
            adHoc.putObject("deployment").put("id", "").put("name", "");
            adHoc.putObject("work_pool").put("id", "").put("name", "");
            catalog.apply(record(Json.mapper().writeValueAsBytes(adHoc)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return catalog;
    }

    private static ConsumerRecord<byte[], byte[]> record(byte[] value) {
        return new ConsumerRecord<>("flowpulse.flow-runs-finished", 0, 0, "run".getBytes(), value);
    }

    private static String scrape(RunCatalog catalog, boolean caughtUp) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.getPrometheusRegistry().register(new InfoCollector(catalog, SeriesLimits.defaults(), () -> caughtUp));
        return registry.scrape();
    }
}
