package dev.flowpulse.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.simulator.wire.PrefectTime;
import dev.flowpulse.simulator.wire.Uuids;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ScenarioTest {

    private static final Instant START = Instant.parse("2026-05-04T09:00:00.250Z");
    private static final Set<String> TERMINAL = Set.of("COMPLETED", "FAILED", "CANCELLED", "CRASHED");

    @Test
    void shouldBeIdenticalForTheSameSeedAndStart() {
        assertThat(json(Scenario.generate(42, 60, START))).isEqualTo(json(Scenario.generate(42, 60, START)));
        assertThat(json(Scenario.generate(43, 60, START))).isNotEqualTo(json(Scenario.generate(42, 60, START)));
    }

    @Test
    void shouldKeepEveryEventInsideTheTenMinuteSpanInAscendingOrder() {
        Scenario scenario = Scenario.generate(42, 120, START);
        List<Instant> occurred =
                scenario.events().stream().map(ScenarioTest::occurred).toList();

        assertThat(occurred).isSortedAccordingTo(Comparator.naturalOrder());
        assertThat(occurred.get(0)).isAfterOrEqualTo(START);
        assertThat(scenario.end()).isEqualTo(occurred.get(occurred.size() - 1)).isBefore(START.plus(Scenario.SPAN));
    }

    @Test
    void shouldAgreeWithAnIndependentReadingOfTheEvents() {
        Scenario scenario = Scenario.generate(42, 120, START);
        List<ObjectNode> events = scenario.events();

        Map<Scenario.StateKey, Long> entries = events.stream()
                .collect(Collectors.groupingBy(
                        e -> new Scenario.StateKey(
                                related(e, "flow"),
                                related(e, "deployment"),
                                related(e, "work-pool"),
                                label(e, "prefect.state-type"),
                                label(e, "prefect.state-name")),
                        Collectors.counting()));
        assertThat(entries).isEqualTo(scenario.expectedStateEntries());

        Map<Scenario.FinishedKey, Long> finished = new HashMap<>();
        Map<Scenario.FinishedKey, Double> seconds = new HashMap<>();
        for (List<ObjectNode> run : byRun(events).values()) {
            run.sort(Comparator.comparing(ScenarioTest::occurred));
            double total = 0;
            for (int i = 0; i < run.size(); i++) {
                ObjectNode e = run.get(i);
                if (TERMINAL.contains(label(e, "prefect.state-type"))) {
                    Scenario.FinishedKey key = new Scenario.FinishedKey(
                            related(e, "flow"),
                            related(e, "deployment"),
                            related(e, "work-pool"),
                            label(e, "prefect.state-type"));
                    finished.merge(key, 1L, Long::sum);
                    seconds.merge(key, total, Double::sum);
                    break;
                }
                if (label(e, "prefect.state-type").equals("RUNNING") && i + 1 < run.size()) {
                    total += PrefectTime.microsBetween(occurred(e), occurred(run.get(i + 1))) / 1e6;
                }
            }
        }
        assertThat(finished).isEqualTo(scenario.expectedFinished());
        assertThat(seconds.keySet()).isEqualTo(scenario.expectedRunningSeconds().keySet());
        seconds.forEach(
                (k, v) -> assertThat(scenario.expectedRunningSeconds().get(k)).isCloseTo(v, within(1e-6)));
    }

    @Test
    void shouldCoverEveryLifecyclePrefectProduces() {
        Scenario scenario = Scenario.generate(42, 120, START);
        Map<String, List<ObjectNode>> runs = byRun(scenario.events());
        List<String> firstEvents = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        for (List<ObjectNode> run : runs.values()) {
            firstEvents.add(label(run.get(0), "prefect.state-name"));
            paths.add(run.stream().map(e -> label(e, "prefect.state-name")).collect(Collectors.joining(">")));
        }

        assertThat(firstEvents).contains("Scheduled", "Pending", "Late");
        assertThat(paths)
                .anyMatch(p -> p.contains("Pending>Submitting>Running"))
                .anyMatch(p -> p.startsWith("Pending>Running"))
                .anyMatch(p -> p.contains("Running>Cancelling>Cancelled"))
                .anyMatch(p -> p.contains("Running>AwaitingRetry>Retrying>Completed"))
                .anyMatch(p -> p.contains("AwaitingRetry>Retrying>AwaitingRetry>Retrying>Failed"))
                .anyMatch(p -> p.contains("Scheduled>Late>Pending"))
                .anyMatch(p -> p.endsWith("Running>Crashed"))
                .anyMatch(p -> p.endsWith("Running"))
                .anyMatch(p -> p.equals("Scheduled"));
        assertThat(scenario.runs()).extracting(RunPlan::deployment).contains("");
        assertThat(scenario.runs())
                .extracting(RunPlan::workPool)
                .contains("", "k8s-prod", "local-process", "docker-edge");
        assertThat(scenario.runs().stream().map(RunPlan::flow).distinct()).hasSize(8);
        assertThat(scenario.runs()).extracting(RunPlan::origin).contains(RunPlan.Origin.values());
    }

    @Test
    void shouldFollowPrefectsEventRules() {
        for (List<ObjectNode> run :
                byRun(Scenario.generate(7, 80, START).events()).values()) {
            ObjectNode previous = null;
            int runCount = 0;
            for (ObjectNode e : run) {
                String type = label(e, "prefect.state-type");
                if (type.equals("RUNNING")
                        && (previous == null
                                || !label(previous, "prefect.state-type").equals("RUNNING"))) {
                    runCount++;
                }
                assertThat(label(e, "prefect.run-count")).isEqualTo(Integer.toString(runCount));
                assertThat(e.get("event").textValue()).isEqualTo("prefect.flow-run." + label(e, "prefect.state-name"));
                assertThat(Uuids.v7Time(UUID.fromString(e.get("id").textValue()))
                                .toEpochMilli())
                        .isEqualTo(occurred(e).toEpochMilli());
                assertThat(PrefectTime.parse(e.get("received").textValue())).isAfter(occurred(e));
                boolean tight =
                        previous != null && PrefectTime.microsBetween(occurred(previous), occurred(e)) < 300_000_000L;
                assertThat(e.get("follows").isNull()).isEqualTo(!tight);
                if (tight) {
                    assertThat(e.get("follows").textValue())
                            .isEqualTo(previous.get("id").textValue());
                }
                previous = e;
            }
        }
    }

    private static List<String> json(Scenario s) {
        return s.events().stream().map(JsonNode::toString).toList();
    }

    static Map<String, List<ObjectNode>> byRun(List<ObjectNode> events) {
        Map<String, List<ObjectNode>> runs = new LinkedHashMap<>();
        for (ObjectNode e : events) {
            runs.computeIfAbsent(label(e, "prefect.resource.id"), k -> new ArrayList<>())
                    .add(e);
        }
        return runs;
    }

    static Instant occurred(JsonNode e) {
        return PrefectTime.parse(e.get("occurred").textValue());
    }

    static String label(JsonNode e, String label) {
        return e.get("resource").get(label).textValue();
    }

    static String related(JsonNode e, String role) {
        for (JsonNode r : e.get("related")) {
            if (r.get("prefect.resource.role").textValue().equals(role)) {
                return r.get("prefect.resource.name").textValue();
            }
        }
        return "";
    }
}
