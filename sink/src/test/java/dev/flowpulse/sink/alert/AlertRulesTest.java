package dev.flowpulse.sink.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowpulse.contract.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertRulesTest {

    private static final String ISSUE_EXAMPLE = """
            rules:
              - name: DeploymentFailureRatioHigh   # alertname
                kind: failure_ratio
                by: deployment
                window: 15m
                threshold: 0.5
                min_finished: 3
                match: {work_pool: "k8s-.*"}
                severity: page
                labels: {team: data-platform}
                annotations: {summary: "{{ .deployment }} fails {{ .value }} of its runs"}
            """;

    @Test
    void shouldParseEveryKeyOfTheIssueExample() {
        AlertRules rules = AlertRules.parse(ISSUE_EXAMPLE, "example.yml");

        assertThat(rules.rules()).hasSize(1);
        AlertRule rule = rules.rules().get(0);
        assertThat(rule.name()).isEqualTo("DeploymentFailureRatioHigh");
        assertThat(rule.kind()).isEqualTo(AlertKind.FAILURE_RATIO);
        assertThat(rule.by()).isEqualTo(ScopeDimension.DEPLOYMENT);
        assertThat(rule.window()).isEqualTo(Duration.ofMinutes(15));
        assertThat(rule.threshold()).isEqualTo(0.5);
        assertThat(rule.minFinished()).isEqualTo(3);
        assertThat(rule.match().get("work_pool").pattern()).isEqualTo("k8s-.*");
        assertThat(rule.severity()).isEqualTo("page");
        assertThat(rule.labels()).isEqualTo(Map.of("team", "data-platform"));
        assertThat(rule.annotations()).containsEntry("summary", "{{ .deployment }} fails {{ .value }} of its runs");
        assertThat(rules.windows()).containsExactly(Duration.ofMinutes(15));
    }

    @Test
    void shouldMatchWholeLabelsOnly() {
        AlertRule rule = AlertRules.parse(ISSUE_EXAMPLE, "example.yml").rules().get(0);

        assertThat(rule.matches(Map.of("work_pool", "k8s-prod"))).isTrue();
        assertThat(rule.matches(Map.of("work_pool", "old-k8s-prod"))).isFalse();
        assertThat(rule.matches(Map.of())).isFalse();
    }

    @Test
    void shouldReadDurationThresholdsAsTextOrSecondsAndApplyDefaults() {
        AlertRules rules = AlertRules.parse("""
                rules:
                  - {name: Slow, kind: slow_run, by: flow, window: 1h, threshold: 10m}
                  - {name: Stuck, kind: stuck, by: work_pool, threshold: 90}
                  - {name: Quiet, kind: no_success, by: deployment, threshold: P1D}
                  - {name: Failing, kind: failures, by: tag, window: 30s, threshold: 3}
                """, "durations.yml");

        assertThat(rules.rules().get(0).thresholdDuration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(rules.rules().get(1).thresholdDuration()).isEqualTo(Duration.ofSeconds(90));
        assertThat(rules.rules().get(1).window()).isNull();
        assertThat(rules.rules().get(2).thresholdDuration()).isEqualTo(Duration.ofDays(1));
        assertThat(rules.rules().get(3).threshold()).isEqualTo(3.0);
        assertThat(rules.rules()).allSatisfy(r -> {
            assertThat(r.severity()).isEqualTo("warning");
            assertThat(r.minFinished()).isEqualTo(1);
        });
        assertThat(rules.windows()).containsExactly(Duration.ofSeconds(30), Duration.ofHours(1));
    }

    @Test
    void shouldReportEveryProblemOfTheFileAtOnce() {
        String broken = """
                rules:
                  - name: Ratio
                    kind: failure_ratio
                    by: deployment
                    window: 15 minutes
                    threshold: 1.5
                    match: {work_pool: "k8s-(", pool: ".*"}
                    labels: {severity: low, "bad-name": x}
                    annotations: {summary: "{{ .deployment }} {{ .nope }}", description: "{{ printf }}"}
                    colour: red
                  - name: Ratio
                    kind: failure_rate
                    by: team
                  - name: Count
                    kind: failures
                    by: cluster
                    window: 1h
                    threshold: 2.5
                    min_finished: 3
                  - name: Stuck
                    kind: stuck
                    by: deployment
                    window: 1h
                    threshold: soon
                  - kind: slow_run
                    by: flow
                    window: 0s
                    threshold: 10m
                    severity: "very high"
                """;

        assertThatThrownBy(() -> AlertRules.parse(broken, "broken.yml"))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactlyInAnyOrder(
                                        "broken.yml: rule 1 (Ratio): colour: unknown key (known: [annotations, by, kind, labels,"
                                                + " match, min_finished, name, severity, threshold, window])",
                                        "broken.yml: rule 1 (Ratio): window: bad duration '15 minutes' (1s or more, e.g. 30s,"
                                                + " 15m, 1h, 7d)",
                                        "broken.yml: rule 1 (Ratio): threshold: must be a ratio from 0 to below 1, got '1.5'",
                                        "broken.yml: rule 1 (Ratio): match: bad regex for 'work_pool': Unclosed group",
                                        "broken.yml: rule 1 (Ratio): match: 'pool' is not a label of a by: deployment scope"
                                                + " [flow, deployment, work_pool, workspace]",
                                        "broken.yml: rule 1 (Ratio): labels: 'severity' is set by flowpulse and cannot be"
                                                + " overridden",
                                        "broken.yml: rule 1 (Ratio): labels: 'bad-name' is not a valid label name",
                                        "broken.yml: rule 1 (Ratio): annotations: summary: unknown placeholder {{ .nope }}"
                                                + " (known: [alertname, severity, workspace, flow, deployment, work_pool, value,"
                                                + " threshold, window])",
                                        "broken.yml: rule 1 (Ratio): annotations: description: only {{ .name }} placeholders"
                                                + " are supported",
                                        "broken.yml: rule 2 (Ratio): name: duplicate of rule 1",
                                        "broken.yml: rule 2 (Ratio): kind: unknown kind 'failure_rate' (one of failure_ratio,"
                                                + " failures, slow_run, duration_p95, stuck, no_success)",
                                        "broken.yml: rule 2 (Ratio): threshold: missing",
                                        "broken.yml: rule 3 (Count): by: unknown by 'cluster' (one of flow, deployment,"
                                                + " work_pool, tag, team)",
                                        "broken.yml: rule 3 (Count): threshold: must be a whole number of runs >= 1, got"
                                                + " '2.5'",
                                        "broken.yml: rule 3 (Count): min_finished: only applies to failure_ratio rules",
                                        "broken.yml: rule 4 (Stuck): window: stuck has no window: its threshold is the"
                                                + " duration",
                                        "broken.yml: rule 4 (Stuck): threshold: bad duration 'soon' (a duration such as 10m,"
                                                + " or seconds)",
                                        "broken.yml: rule 5 (unnamed): name: missing",
                                        "broken.yml: rule 5 (unnamed): window: bad duration '0s' (1s or more, e.g. 30s, 15m,"
                                                + " 1h, 7d)",
                                        "broken.yml: rule 5 (unnamed): severity: must be a word like page, critical,"
                                                + " warning"))
                .hasMessageStartingWith("Invalid configuration:\n  - broken.yml: rule 1 (Ratio)");
    }

    @Test
    void shouldReportMissingThresholdWithWhatItMeansForTheKind() {
        assertThatThrownBy(() ->
                        AlertRules.parse("rules: [{name: R, kind: failure_ratio, by: flow, window: 5m}]", "r.yml"))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly("r.yml: rule 1 (R): threshold: missing (a ratio such as 0.5)"));
    }

    @Test
    void shouldRejectFilesThatAreNotARulesMapping() {
        assertThat(problems("rules: [")).singleElement().asString().startsWith("f.yml: not valid YAML (");
        assertThat(problems("- a\n- b")).containsExactly("f.yml: expected a mapping with a 'rules:' list");
        assertThat(problems("rule: []"))
                .containsExactly("f.yml: unknown top-level key 'rule' (only 'rules')", "f.yml: 'rules' must be a list");
        assertThat(problems("rules:\n  - name: A\n    name: B\n"))
                .singleElement()
                .asString()
                .startsWith("f.yml: not valid YAML (");
        assertThat(problems("rules: [42]")).singleElement().asString().startsWith("f.yml: rule 1: must be a mapping");
        assertThat(problems("rules: []")).isEmpty();
    }

    @Test
    void shouldReportAnUnreadableFileWithoutThrowing() {
        List<String> problems = new ArrayList<>();
        AlertRules rules = AlertRules.load(Path.of("target", "no-such-rules.yml"), problems);

        assertThat(rules.rules()).isEmpty();
        assertThat(problems)
                .containsExactly("target/no-such-rules.yml: cannot read the alert rules file (NoSuchFileException)");
    }

    @Test
    void shouldShipAValidDefaultFileIdenticalToTheDeployCopy() throws IOException {
        AlertRules defaults = AlertRules.defaults();

        assertThat(defaults.names())
                .containsExactly(
                        "DeploymentFailureRatioHigh",
                        "DeploymentFailing",
                        "FlowRunSlow",
                        "FlowDurationP95High",
                        "FlowRunStuck",
                        "DeploymentNoSuccess");
        assertThat(defaults.rules().stream().map(AlertRule::kind)).containsExactlyInAnyOrder(AlertKind.values());
        assertThat(Files.readString(Path.of("..", "deploy", "flowpulse-alert-rules.yml"), StandardCharsets.UTF_8))
                .isEqualTo(AlertRules.defaultText());
    }

    private static List<String> problems(String yaml) {
        List<String> problems = new ArrayList<>();
        AlertRules.parse(yaml, "f.yml", problems);
        return problems;
    }
}
