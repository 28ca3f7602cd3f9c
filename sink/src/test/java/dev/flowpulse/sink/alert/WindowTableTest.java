package dev.flowpulse.sink.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.contract.StateType;
import dev.flowpulse.contract.WindowKey;
import dev.flowpulse.contract.WindowStats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WindowTableTest {

    private static final Instant T0 = Instant.parse("2026-05-04T09:00:00Z");
    private static final Duration M5 = Duration.ofMinutes(5);
    private static final Scope DEPLOYMENT = new Scope(
            ScopeDimension.DEPLOYMENT,
            "prod",
            Map.of("flow", "etl-orders", "deployment", "hourly-sync", "work_pool", "k8s-prod"),
            "",
            "");

    private final WindowTable table = new WindowTable(List.of(Duration.ofMinutes(1), M5, Duration.ofHours(1)), "team:");

    @Test
    void shouldSumTheSlicesEndingWithTheCurrentOneForARuleWindow() {
        table.putWindow(deployment(T0, M5), stats(2, 1)); // 09:00-09:05
        table.putWindow(deployment(T0.plus(M5), M5), stats(3, 2)); // 09:05-09:10
        table.putWindow(deployment(T0.plus(M5.multipliedBy(2)), M5), stats(1, 1)); // 09:10-09:15
        table.putWindow(deployment(T0.minus(M5), M5), stats(7, 0)); // 08:55-09:00: outside 15m

        WindowAggregate w = table.snapshot(T0.plus(Duration.ofMinutes(12))).window(DEPLOYMENT, Duration.ofMinutes(15));

        assertThat(w.finished()).isEqualTo(6);
        assertThat(w.failed()).isEqualTo(4);
        assertThat(table.sliceFor(Duration.ofMinutes(15))).isEqualTo(M5);
        assertThat(table.sliceFor(Duration.ofHours(6))).isEqualTo(Duration.ofHours(1));
        assertThat(table.sliceFor(Duration.ofSeconds(90))).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void shouldKeepTheFinalResultOverALaterUpdateAndIgnoreHoppingWindows() {
        table.putWindow(deployment(T0, M5), stats(4, 4).asClosed());
        table.putWindow(deployment(T0, M5), stats(1, 0));
        table.putWindow(
                new WindowKey(
                        "prod",
                        WindowKey.DEPLOYMENT,
                        WindowSamples.deploymentGroup(WindowSamples.DEPLOYMENT, WindowSamples.WORK_POOL),
                        T0,
                        T0.plus(Duration.ofMinutes(15)),
                        900,
                        60),
                stats(9, 9));

        WindowAggregate w = table.snapshot(T0.plusSeconds(60)).window(DEPLOYMENT, M5);

        assertThat(w.finished()).isEqualTo(4);
        assertThat(w.failed()).isEqualTo(4);
    }

    @Test
    void shouldDeriveTagAndTeamScopesFromTagWindows() {
        table.putWindow(
                new WindowKey("prod", WindowKey.TAG, Map.of("tag", "team:data"), T0, T0.plus(M5), 300, 300),
                stats(3, 3));

        WindowView view = table.snapshot(T0.plusSeconds(10));

        assertThat(view.scopes(ScopeDimension.TEAM)).containsExactly(Scope.of(ScopeDimension.TEAM, "prod", "data"));
        assertThat(view.scopes(ScopeDimension.TAG)).containsExactly(Scope.of(ScopeDimension.TAG, "prod", "team:data"));
        assertThat(view.window(Scope.of(ScopeDimension.TEAM, "prod", "data"), M5)
                        .failed())
                .isEqualTo(3);
    }

    @Test
    void shouldReportRunningRunsUntilTheirTombstone() {
        table.putInProgress("run-1", WindowSamples.run("run-1", "etl-orders", StateType.RUNNING, false, T0));

        WindowView view = table.snapshot(T0.plusSeconds(30));
        assertThat(view.running(DEPLOYMENT)).containsExactly(new RunningRun("run-1", "run-1-name", T0));
        assertThat(view.running(Scope.of(ScopeDimension.WORK_POOL, "prod", "k8s-prod")))
                .hasSize(1);
        assertThat(view.running(Scope.of(ScopeDimension.TEAM, "prod", "data"))).hasSize(1);
        assertThat(view.firstSeen(DEPLOYMENT)).isEqualTo(T0);

        table.putInProgress("run-1", null);
        assertThat(table.snapshot(T0.plusSeconds(31)).running(DEPLOYMENT)).isEmpty();
    }

    @Test
    void shouldLinkFlowAndDeploymentScopesByTheIdsOfAnInProgressRunAfterItsTombstone() {
        table.putInProgress("run-1", WindowSamples.run("run-1", "etl-orders", StateType.RUNNING, false, T0));
        table.putInProgress("run-1", null);
        table.putWindow(deployment(T0, M5), stats(3, 3));
        table.putWindow(
                new WindowKey("prod", WindowKey.FLOW, Map.of("flow", "etl-orders"), T0, T0.plus(M5), 300, 300),
                stats(3, 3));

        WindowView view = table.snapshot(T0.plusSeconds(60));
        PrefectUiLinks links = new PrefectUiLinks(java.net.URI.create("http://prefect:4200"));

        assertThat(view.scopes(ScopeDimension.DEPLOYMENT))
                .singleElement()
                .satisfies(s -> assertThat(links.linkTo(s)).isEqualTo("http://prefect:4200/deployments/deployment/d"))
                .satisfies(s -> assertThat(view.window(s, M5).failed()).isEqualTo(3));
        assertThat(view.scopes(ScopeDimension.FLOW))
                .singleElement()
                .satisfies(s -> assertThat(links.linkTo(s)).isEqualTo("http://prefect:4200/flows/flow/f"));
    }

    @Test
    void shouldRememberTheLastCompletedWindowAfterPruning() {
        table.putWindow(deployment(T0, M5), stats(2, 0));
        table.pruneBefore(T0.plus(Duration.ofHours(2)));

        WindowView view = table.snapshot(T0.plus(Duration.ofHours(3)));
        assertThat(view.lastCompleted(DEPLOYMENT)).contains(T0.plus(M5));
        assertThat(view.window(DEPLOYMENT, M5).finished()).isZero();
        assertThat(table.windowCount()).isZero();
    }

    @Test
    void shouldMatchADeploymentRuleOnTheWorkPoolOfItsWindows() {
        // 09:00-09:15 in 5m slices: hourly-sync on k8s-prod fails 3 of 4, nightly on ecs-prod too
        Instant start = T0;
        table.putWindow(deployment(start, M5), stats(4, 3));
        table.putWindow(
                WindowSamples.window(
                        WindowKey.DEPLOYMENT, WindowSamples.deploymentGroup("nightly", "ecs-prod"), start, M5),
                stats(4, 3));
        AlertEvaluator evaluator = AlertEvaluatorTest.evaluator(
                "{name: R, kind: failure_ratio, by: deployment, window: 15m, threshold: 0.5, min_finished: 3,"
                        + " severity: page, match: {work_pool: 'k8s-.*'}}");

        List<Alert> alerts = evaluator.evaluate(table.snapshot(T0.plus(Duration.ofMinutes(12))));

        assertThat(alerts)
                .extracting(Alert::labels)
                .containsExactly(Map.of(
                        "alertname", "R",
                        "severity", "page",
                        "flow", "etl-orders",
                        "deployment", "hourly-sync",
                        "work_pool", "k8s-prod",
                        "workspace", "prod"));
    }

    private static WindowKey deployment(Instant start, Duration size) {
        return WindowSamples.deploymentWindow(start, size);
    }

    private static WindowStats stats(int finished, int failed) {
        return WindowSamples.finishes(finished, failed);
    }
}
