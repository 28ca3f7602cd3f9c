package dev.flowpulse.sink;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * Info-style gauges (value 1) that join Prefect's ids to the names every other family is labelled
 * with, from the {@link RunCatalog}:
 * <ul>
 *   <li>{@code prefect_flow_info{workspace, flow, flow_id}};</li>
 *   <li>{@code prefect_deployment_info{workspace, flow, deployment, deployment_id, flow_id, work_pool}}.</li>
 * </ul>
 * E.g. {@code prefect_flow_runs_finished_total * on (workspace, flow, deployment) group_left
 * (deployment_id) prefect_deployment_info}. Nothing is served until {@code caughtUp}. Series pass
 * one {@link CardinalityGuard} per family. Thread safe.
 */
public final class InfoCollector implements MultiCollector {

    /** Names as client_java wants them: info families without {@code _info}, which the writer adds. */
    static final String FLOW_INFO = "prefect_flow";

    static final String DEPLOYMENT_INFO = "prefect_deployment";

    private final RunCatalog catalog;
    private final BooleanSupplier caughtUp;
    private final CardinalityGuard flowGuard;
    private final CardinalityGuard deploymentGuard;

    InfoCollector(RunCatalog catalog, SeriesLimits limits, BooleanSupplier caughtUp) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.caughtUp = Objects.requireNonNull(caughtUp, "caughtUp");
        this.flowGuard = new CardinalityGuard(limits);
        this.deploymentGuard = new CardinalityGuard(limits);
    }

    @Override
    public MetricSnapshots collect() {
        if (!caughtUp.getAsBoolean()) {
            return MetricSnapshots.of();
        }
        Set<Labels> flows = new TreeSet<>();
        catalog.flows()
                .forEach((k, id) -> flows.add(
                        flowGuard.route(List.of(k, id), "workspace", k.workspace(), "flow", k.flow(), "flow_id", id)));
        Set<Labels> deployments = new TreeSet<>();
        catalog.deployments()
                .forEach((k, info) -> deployments.add(deploymentGuard.route(
                        List.of(k, info),
                        "workspace",
                        k.workspace(),
                        "flow",
                        k.flow(),
                        "deployment",
                        k.deployment(),
                        "deployment_id",
                        info.deploymentId(),
                        "flow_id",
                        info.flowId(),
                        "work_pool",
                        info.workPool())));
        return MetricSnapshots.of(
                info(FLOW_INFO, "A Prefect flow seen by the topology, with its id (value 1)", flows),
                info(
                        DEPLOYMENT_INFO,
                        "A Prefect deployment seen by the topology, with its id, its flow's id and the work pool of"
                                + " its latest run (value 1)",
                        deployments));
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(FLOW_INFO, DEPLOYMENT_INFO);
    }

    private static InfoSnapshot info(String name, String help, Set<Labels> series) {
        InfoSnapshot.Builder family = InfoSnapshot.builder().name(name).help(help);
        series.forEach(labels -> family.dataPoint(
                InfoSnapshot.InfoDataPointSnapshot.builder().labels(labels).build()));
        return family.build();
    }
}
