package dev.flowpulse.sink.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.contract.DurationHistogram;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertEvaluatorTest {

    static final Instant NOW = Instant.parse("2026-05-04T10:00:00Z");
    static final Scope HOURLY_SYNC =
            Scope.deployment("prod", "etl-orders", "hourly-sync", "k8s-prod", "flow-1", "dep-1");
    static final Scope ETL_ORDERS = Scope.flow("prod", "etl-orders", "flow-1");
    static final Duration M15 = Duration.ofMinutes(15);

    @Test
    void shouldFireFailureRatioAboveThresholdWithAllLabelsAnnotationsAndLink() {
        AlertEvaluator evaluator =
                new AlertEvaluator(rules("""
                        - name: DeploymentFailureRatioHigh
                          kind: failure_ratio
                          by: deployment
                          window: 15m
                          threshold: 0.5
                          min_finished: 3
                          match: {work_pool: "k8s-.*"}
                          severity: page
                          labels: {team: data-platform}
                          annotations: {summary: "{{ .deployment }} fails {{ .value }} of its runs (over {{ .threshold }} in {{ .window }})"}
                        """), new PrefectUiLinks(URI.create("http://prefect.example:4200")));
        // 15-minute window ending 10:00: 4 finished, 3 of them FAILED or CRASHED -> 75% > 50%
        FixedWindowView view = new FixedWindowView(NOW).window(HOURLY_SYNC, M15, aggregate(4, 3));

        List<Alert> alerts = evaluator.evaluate(view);

        assertThat(alerts)
                .containsExactly(new Alert(
                        Map.of(
                                "alertname", "DeploymentFailureRatioHigh",
                                "severity", "page",
                                "flow", "etl-orders",
                                "deployment", "hourly-sync",
                                "work_pool", "k8s-prod",
                                "workspace", "prod",
                                "team", "data-platform"),
                        Map.of("summary", "hourly-sync fails 75% of its runs (over 50% in 15m)"),
                        "http://prefect.example:4200/deployments/deployment/dep-1"));
    }

    @Test
    void shouldNotFireFailureRatioAtTheThresholdBelowMinFinishedOrOutsideMatch() {
        AlertEvaluator evaluator =
                evaluator("{name: R, kind: failure_ratio, by: deployment, window: 15m, threshold: 0.5, min_finished: 3,"
                        + " match: {work_pool: 'k8s-.*'}}");
        Scope otherPool = Scope.deployment("prod", "etl-orders", "nightly", "ecs-prod", "", "");

        assertThat(evaluator.evaluate(new FixedWindowView(NOW).window(HOURLY_SYNC, M15, aggregate(4, 2))))
                .as("2 of 4 is exactly 50%, not above")
                .isEmpty();
        assertThat(evaluator.evaluate(new FixedWindowView(NOW).window(HOURLY_SYNC, M15, aggregate(2, 2))))
                .as("100% but only 2 finished, min_finished is 3")
                .isEmpty();
        assertThat(evaluator.evaluate(new FixedWindowView(NOW).window(otherPool, M15, aggregate(4, 4))))
                .as("ecs-prod does not match k8s-.*")
                .isEmpty();
        assertThat(evaluator.evaluate(new FixedWindowView(NOW).window(HOURLY_SYNC, M15, aggregate(3, 2))))
                .as("2 of 3 = 67% with 3 finished")
                .singleElement()
                .satisfies(a -> assertThat(a.labels()).containsEntry("alertname", "R"));
    }

    @Test
    void shouldResolveFailureRatioWhenTheWindowNoLongerHasMinFinishedRuns() {
        AlertEvaluator evaluator = evaluator(
                "{name: R, kind: failure_ratio, by: deployment, window: 15m, threshold: 0.5, min_finished: 3}");
        // 09:58: 3 of 3 failed in the window; 10:10: two of them have left the window, 1 of 1 failed
        assertThat(evaluator.evaluate(new FixedWindowView(NOW).window(HOURLY_SYNC, M15, aggregate(3, 3))))
                .hasSize(1);
        assertThat(evaluator.evaluate(
                        new FixedWindowView(NOW.plusSeconds(600)).window(HOURLY_SYNC, M15, aggregate(1, 1))))
                .isEmpty();
    }

    @Test
    void shouldFireFailuresAtTheCount() {
        AlertEvaluator evaluator = evaluator(
                "{name: F, kind: failures, by: flow, window: 1h, threshold: 3, annotations: {summary: '{{ .value }} failed'}}");
        Duration h1 = Duration.ofHours(1);

        assertThat(evaluator.evaluate(new FixedWindowView(NOW).window(ETL_ORDERS, h1, aggregate(10, 2))))
                .isEmpty();
        assertThat(evaluator.evaluate(new FixedWindowView(NOW).window(ETL_ORDERS, h1, aggregate(10, 3))))
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.annotations()).containsEntry("summary", "3 failed");
                    assertThat(a.labels()).containsEntry("flow", "etl-orders").doesNotContainKey("deployment");
                    assertThat(a.generatorUrl()).isEmpty(); // no FLOWPULSE_PREFECT_UI_URL
                });
    }

    @Test
    void shouldFireSlowRunWhenTheLongestRunInTheWindowExceedsTheThreshold() {
        AlertEvaluator evaluator = evaluator(
                "{name: S, kind: slow_run, by: deployment, window: 1h, threshold: 10m, annotations: {s: '{{ .value }}'}}");
        Duration h1 = Duration.ofHours(1);

        assertThat(evaluator.evaluate(new FixedWindowView(NOW).window(HOURLY_SYNC, h1, withMax(600.0))))
                .as("exactly 10m is not slower than 10m")
                .isEmpty();
        assertThat(evaluator.evaluate(new FixedWindowView(NOW).window(HOURLY_SYNC, h1, withMax(750.0))))
                .singleElement()
                .satisfies(a -> assertThat(a.annotations()).containsEntry("s", "12m 30s"));
        assertThat(evaluator.evaluate(new FixedWindowView(NOW).window(HOURLY_SYNC, h1, WindowAggregate.empty())))
                .isEmpty();
    }

    @Test
    void shouldFireDurationP95FromTheBuckets() {
        AlertEvaluator evaluator = evaluator(
                "{name: P, kind: duration_p95, by: flow, window: 6h, threshold: 50s, annotations: {s: '{{ .value }}'}}");
        Duration h6 = Duration.ofHours(6);
        // 20 runs: 10 in (10, 30], 10 in (30, 60]; rank 0.95 * 20 = 19 -> 30 + 30 * (19 - 10) / 10 = 57 s
        WindowAggregate slow = new WindowAggregate(20, 0, histogram(10, 20.0, 10, 45.0), 45.0);
        // 20 runs: 19 in (10, 30], 1 in (30, 60]; rank 19 falls in (10, 30] -> 10 + 20 * 19 / 19 = 30 s
        WindowAggregate fast = new WindowAggregate(20, 0, histogram(19, 20.0, 1, 45.0), 45.0);

        assertThat(slow.durationQuantile(0.95)).hasValue(57.0);
        assertThat(fast.durationQuantile(0.95)).hasValue(30.0);
        assertThat(evaluator.evaluate(new FixedWindowView(NOW).window(ETL_ORDERS, h6, slow)))
                .singleElement()
                .satisfies(a -> assertThat(a.annotations()).containsEntry("s", "57s"));
        assertThat(evaluator.evaluate(new FixedWindowView(NOW).window(ETL_ORDERS, h6, fast)))
                .isEmpty();
        assertThat(evaluator.evaluate(new FixedWindowView(NOW).window(ETL_ORDERS, h6, WindowAggregate.empty())))
                .isEmpty();
    }

    @Test
    void shouldEstimateAQuantileAboveTheLargestBoundAsThatBound() {
        WindowAggregate huge =
                new WindowAggregate(1, 0, DurationHistogram.empty().plus(200_000), 200_000);

        assertThat(huge.durationQuantile(0.95)).hasValue(86_400.0);
    }

    @Test
    void shouldFireStuckForTheLongestRunningRun() {
        AlertEvaluator evaluator = evaluator(
                "{name: Stuck, kind: stuck, by: deployment, threshold: 6h, annotations: {s: '{{ .value }} > {{ .threshold }}'}}");
        FixedWindowView fiveHours = new FixedWindowView(NOW)
                .running(HOURLY_SYNC, new RunningRun("run-1", "crimson-fox", NOW.minus(Duration.ofHours(5))));
        FixedWindowView sevenHours = new FixedWindowView(NOW)
                .running(HOURLY_SYNC, new RunningRun("run-1", "crimson-fox", NOW.minus(Duration.ofHours(5))))
                .running(
                        HOURLY_SYNC,
                        new RunningRun(
                                "run-2",
                                "amber-owl",
                                NOW.minus(Duration.ofHours(7).plusMinutes(30))));

        assertThat(evaluator.evaluate(fiveHours)).isEmpty();
        assertThat(evaluator.evaluate(sevenHours))
                .singleElement()
                .satisfies(a -> assertThat(a.annotations()).containsEntry("s", "7h 30m > 6h"));
        assertThat(evaluator.evaluate(new FixedWindowView(NOW).firstSeen(HOURLY_SYNC, NOW.minusSeconds(86_400))))
                .as("nothing running")
                .isEmpty();
    }

    @Test
    void shouldFireNoSuccessSinceTheLastCompletedOrSinceFirstSeen() {
        AlertEvaluator evaluator = evaluator(
                "{name: Quiet, kind: no_success, by: deployment, threshold: 1d, annotations: {s: '{{ .value }}'}}");

        assertThat(evaluator.evaluate(
                        new FixedWindowView(NOW).lastCompleted(HOURLY_SYNC, NOW.minus(Duration.ofHours(23)))))
                .isEmpty();
        assertThat(evaluator.evaluate(
                        new FixedWindowView(NOW).lastCompleted(HOURLY_SYNC, NOW.minus(Duration.ofHours(26)))))
                .singleElement()
                .satisfies(a -> assertThat(a.annotations()).containsEntry("s", "1d 2h"));
        assertThat(evaluator.evaluate(new FixedWindowView(NOW).firstSeen(HOURLY_SYNC, NOW.minus(Duration.ofHours(25)))))
                .as("never completed, seen for 25h")
                .hasSize(1);
        assertThat(evaluator.evaluate(new FixedWindowView(NOW).firstSeen(HOURLY_SYNC, NOW.minus(Duration.ofHours(2)))))
                .as("never completed, but only seen for 2h")
                .isEmpty();
    }

    @Test
    void shouldLinkFlowsAndWorkPoolsAndLeaveTagsUnlinked() {
        PrefectUiLinks links = new PrefectUiLinks(URI.create("https://app.prefect.cloud/account/a/workspace/w/"));

        assertThat(links.linkTo(ETL_ORDERS))
                .isEqualTo("https://app.prefect.cloud/account/a/workspace/w/flows/flow/flow-1");
        assertThat(links.linkTo(Scope.deployment("prod", "etl-orders", "hourly-sync", "k8s", "flow-1", "")))
                .isEqualTo("https://app.prefect.cloud/account/a/workspace/w/flows/flow/flow-1");
        assertThat(links.linkTo(Scope.of(ScopeDimension.WORK_POOL, "prod", "k8s prod")))
                .isEqualTo("https://app.prefect.cloud/account/a/workspace/w/work-pools/work-pool/k8s%20prod");
        assertThat(links.linkTo(Scope.of(ScopeDimension.TAG, "prod", "etl"))).isEmpty();
        assertThat(PrefectUiLinks.none().linkTo(HOURLY_SYNC)).isEmpty();
    }

    @Test
    void shouldReturnOneAlertPerMatchingScopeInAStableOrder() {
        AlertEvaluator evaluator = evaluator("{name: F, kind: failures, by: tag, window: 5m, threshold: 1}");
        Duration m5 = Duration.ofMinutes(5);
        FixedWindowView view = new FixedWindowView(NOW)
                .window(Scope.of(ScopeDimension.TAG, "prod", "zeta"), m5, aggregate(1, 1))
                .window(Scope.of(ScopeDimension.TAG, "prod", "alpha"), m5, aggregate(1, 1))
                .window(Scope.of(ScopeDimension.TAG, "prod", "calm"), m5, aggregate(1, 0));

        assertThat(evaluator.evaluate(view).stream().map(a -> a.labels().get("tag")))
                .containsExactly("alpha", "zeta");
    }

    static AlertRules rules(String yamlList) {
        return AlertRules.parse("rules:\n" + yamlList.indent(2), "test.yml");
    }

    static AlertEvaluator evaluator(String flowRule) {
        return new AlertEvaluator(rules("- " + flowRule + "\n"), PrefectUiLinks.none());
    }

    static WindowAggregate aggregate(long finished, long failed) {
        DurationHistogram h = DurationHistogram.empty();
        for (int i = 0; i < finished; i++) {
            h = h.plus(30);
        }
        return new WindowAggregate(finished, failed, h, finished == 0 ? 0 : 30);
    }

    private static WindowAggregate withMax(double maxSeconds) {
        return new WindowAggregate(2, 0, DurationHistogram.empty().plus(5).plus(maxSeconds), maxSeconds);
    }

    private static DurationHistogram histogram(int n1, double s1, int n2, double s2) {
        DurationHistogram h = DurationHistogram.empty();
        for (int i = 0; i < n1; i++) {
            h = h.plus(s1);
        }
        for (int i = 0; i < n2; i++) {
            h = h.plus(s2);
        }
        return h;
    }
}
