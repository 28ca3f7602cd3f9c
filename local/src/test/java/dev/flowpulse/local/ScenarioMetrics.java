package dev.flowpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.simulator.Scenario;
import dev.flowpulse.testkit.PrometheusText;
import dev.flowpulse.testkit.PrometheusText.Sample;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The exact samples a simulator {@link Scenario} implies on {@code /metrics}, and scraping them. */
final class ScenarioMetrics {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ScenarioMetrics() {}

    /** Every sample the scenario implies, keyed as {@code name{labels}}. */
    static Map<String, Double> expectedSamples(Scenario scenario) {
        Map<String, Double> expected = new TreeMap<>();
        scenario.expectedStateEntries()
                .forEach((k, n) -> expected.put(
                        key(
                                "prefect_flow_run_states_total",
                                Map.of(
                                        "flow",
                                        k.flow(),
                                        "deployment",
                                        k.deployment(),
                                        "work_pool",
                                        k.workPool(),
                                        "state_type",
                                        k.stateType(),
                                        "state",
                                        k.stateName())),
                        n.doubleValue()));
        scenario.expectedFinished().forEach((k, n) -> {
            Map<String, String> labels = Map.of(
                    "flow",
                    k.flow(),
                    "deployment",
                    k.deployment(),
                    "work_pool",
                    k.workPool(),
                    "state_type",
                    k.stateType());
            expected.put(key("prefect_flow_runs_finished_total", labels), n.doubleValue());
            expected.put(key("prefect_flow_run_duration_seconds_count", labels), n.doubleValue());
        });
        assertThat(expected).isNotEmpty();
        return expected;
    }

    /** The expected samples the text lacks or shows with another value (those keyed by the expected value). */
    static Map<String, Double> mismatches(String text, Map<String, Double> expected) {
        Map<String, Double> actual = parseOneWorkspace(text).stream()
                .collect(Collectors.toMap(s -> key(s.name(), s.labels()), Sample::value, (a, b) -> a));
        Map<String, Double> missing = new TreeMap<>();
        expected.forEach((k, v) -> {
            if (!v.equals(actual.get(k))) {
                missing.put(k + " (scraped: " + actual.get(k) + ")", v);
            }
        });
        return missing;
    }

    /**
     * The samples of the text without their {@code workspace} label: a scenario runs in one
     * workspace (named after the simulator's URL), which every {@code prefect_*} series carries.
     */
    static java.util.List<Sample> parseOneWorkspace(String text) {
        return PrometheusText.parse(text).stream()
                .map(s -> {
                    Map<String, String> labels = new TreeMap<>(s.labels());
                    labels.remove("workspace");
                    return new Sample(s.name(), labels, s.value());
                })
                .toList();
    }

    /** The body of a 200 answer to {@code GET metrics}. */
    static String scrape(URI metrics) {
        HttpResponse<String> response;
        try {
            response = HTTP.send(
                    HttpRequest.newBuilder(metrics)
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("Cannot scrape " + metrics, e);
        }
        assertThat(response.statusCode()).as("GET %s", metrics).isEqualTo(200);
        return response.body();
    }

    static double sum(String text, String name) {
        return PrometheusText.named(PrometheusText.parse(text), name).stream()
                .mapToDouble(Sample::value)
                .sum();
    }

    static String key(String name, Map<String, String> labels) {
        return name + new TreeMap<>(labels);
    }
}
