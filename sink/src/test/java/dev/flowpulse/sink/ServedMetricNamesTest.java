package dev.flowpulse.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flowpulse.sink.alert.AlertMetrics;
import dev.flowpulse.sink.alert.AlertmanagerTarget;
import dev.flowpulse.sink.alert.WindowMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every metric the Grafana dashboard and the Prometheus rules query is one the sink serves (or a
 * recording rule of the rules file, or Prometheus' own {@code up}), and the README documents every
 * family the sink serves: a renamed metric cannot silently leave a panel or an alert empty.
 */
class ServedMetricNamesTest {

    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> PROMQL_WORDS = Set.of(
            "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset");

    @Test
    void shouldQueryOnlyServedMetricsInTheDashboardAndTheRules() throws IOException {
        Set<String> served = servedNames();
        served.addAll(recordingRules());
        served.add("up");

        Set<String> used = new TreeSet<>();
        rulesExpressions().forEach(e -> used.addAll(metricNames(e)));
        dashboardExpressions().forEach(e -> used.addAll(metricNames(e)));

        assertThat(used).contains("prefect_flow_runs_finished_total", "prefect_flow_run_duration_seconds_bucket");
        assertThat(used).isSubsetOf(served);
    }

    @Test
    void shouldDocumentEveryServedFamilyInTheReadme() throws IOException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);

        for (String family : servedFamilies()) {
            assertThat(readme).as("sink/README.md documents " + family).contains("`" + family + "`");
        }
    }

    @Test
    void shouldFindMetricNamesInPromql() {
        assertThat(metricNames(
                        "histogram_quantile(0.95, sum by (flow, le) (rate(a_bucket{flow=~\"$flow\",x=\"by (y)\"}[1h])))"
                                + " / on (flow) group_left b:rule:5m > 0 unless c_total offset 5m"))
                .containsExactlyInAnyOrder("a_bucket", "b:rule:5m", "c_total");
        assertThat(metricNames("label_values(prefect_flow_runs_finished_total{flow=~\"$flow\"}, deployment)"))
                .containsExactly("prefect_flow_runs_finished_total");
    }

    /** Metric names in a PromQL expression: identifiers that are not functions, keywords, labels or strings. */
    static Set<String> metricNames(String promql) {
        String e = promql.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // string literals
                .replaceAll("\\{[^}]*}", " ") // label matchers
                .replaceAll("\\[[^]]*]", " ") // ranges
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("offset\\s+\\w+", " ")
                .replaceAll("label_values\\((.*),\\s*\\w+\\s*\\)", "$1")
                .replaceAll("\\$\\w+", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(e);
        while (m.find()) {
            String word = m.group();
            boolean function = e.substring(m.end()).matches("(?s)\\s*\\(.*");
            boolean number = m.start() > 0 && Character.isDigit(e.charAt(m.start() - 1));
            if (!function && !number && !PROMQL_WORDS.contains(word)) {
                names.add(word);
            }
        }
        return names;
    }

    /** Every sample name the sink serves: its totals families and its own meters, alerting included. */
    private static Set<String> servedNames() {
        PrometheusMeterRegistry registry = registryWithEverything();
        Set<String> names = new TreeSet<>();
        for (String line : registry.scrape().lines().toList()) {
            if (!line.startsWith("#") && !line.isBlank()) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    private static Set<String> servedFamilies() {
        Set<String> families = new TreeSet<>();
        for (String line : registryWithEverything().scrape().lines().toList()) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                families.add(
                        parts[3].equals("counter") && !parts[2].endsWith("_total") ? parts[2] + "_total" : parts[2]);
            }
        }
        return families;
    }

    static PrometheusMeterRegistry registryWithEverything() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        TotalsCollector collector = new TotalsCollector(SampleSeries.goldenTable());
        registry.getPrometheusRegistry().register(collector);
        new SinkMetrics(registry, List.of("t"), collector, () -> true, () -> 0);
        new AlertMetrics(registry, List.of(AlertmanagerTarget.parse("http://am:9093")), List.of("A"));
        new WindowMetrics(registry, () -> true, () -> 0, () -> 0, () -> 0, () -> 0);
        HistoryTable history = new HistoryTable();
        HistoryConsumer historyConsumer = new HistoryConsumer(history);
        long offset = 0;
        for (byte[][] cell : HistoryRecords.sampleCells()) {
            historyConsumer.apply(HistoryRecords.consumerRecord("h", offset++, cell[0], cell[1]));
        }
        historyConsumer.bind(registry, () -> true);
        registry.getPrometheusRegistry()
                .register(new InfoCollector(InfoCollectorTest.sampleCatalog(), SeriesLimits.defaults(), () -> true));
        registry.getPrometheusRegistry().register(new HistoryCollector(history, SeriesLimits.defaults(), () -> true));
        TopologyCollectorTest.register(registry, TopologyCollectorTest.goldenTable(), () -> true);
        return registry;
    }

    private static Set<String> recordingRules() throws IOException {
        Set<String> names = new TreeSet<>();
        for (JsonNode group : rules().path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("record")) {
                    names.add(rule.get("record").asText());
                }
            }
        }
        return names;
    }

    private static List<String> rulesExpressions() throws IOException {
        List<String> exprs = new ArrayList<>();
        for (JsonNode group : rules().path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                exprs.add(rule.path("expr").asText());
            }
        }
        return exprs;
    }

    private static List<String> dashboardExpressions() throws IOException {
        JsonNode dashboard = new ObjectMapper()
                .readTree(DEPLOY.resolve("grafana/flowpulse-dashboard.json").toFile());
        List<String> exprs = new ArrayList<>();
        dashboard.findValues("expr").forEach(e -> exprs.add(e.asText()));
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                exprs.add(variable.path("query").path("query").asText());
            }
        }
        assertThat(exprs).hasSizeGreaterThan(10);
        return exprs;
    }

    private static JsonNode rules() throws IOException {
        return new YAMLMapper()
                .readTree(DEPLOY.resolve("prometheus/flowpulse-rules.yml").toFile());
    }
}
