package dev.flowpulse.simulator;

import dev.flowpulse.simulator.events.NamedRef;
import dev.flowpulse.simulator.wire.Uuids;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The simulated Prefect workspace: eight flows with realistic names, their deployments, three work
 * pools (kubernetes, process, docker) with queues, one served deployment without a pool, tags and
 * an automation. Ids come from a fixed seed, so every scenario and live run share them. Immutable.
 */
final class Catalogue {

    record Pool(NamedRef ref, String type, NamedRef queue) {}

    record Deployment(NamedRef ref, Pool pool, List<String> tags) {
        NamedRef queue() {
            return pool == null ? null : pool.queue();
        }
    }

    record Flow(NamedRef ref, List<String> tags, List<Deployment> deployments) {}

    private static final Catalogue INSTANCE = build();

    final List<Flow> flows;
    final NamedRef automation;

    private Catalogue(List<Flow> flows, NamedRef automation) {
        this.flows = List.copyOf(flows);
        this.automation = automation;
    }

    static Catalogue standard() {
        return INSTANCE;
    }

    private static Catalogue build() {
        Random ids = new Random(0x5EED_CA7AL);
        Pool k8s = new Pool(ref("k8s-prod", ids), "kubernetes", ref("default", ids));
        Pool k8sHighMem = new Pool(k8s.ref(), "kubernetes", ref("high-memory", ids));
        Pool process = new Pool(ref("local-process", ids), "process", ref("default", ids));
        Pool docker = new Pool(ref("docker-edge", ids), "docker", ref("default", ids));
        List<Flow> flows = new ArrayList<>();
        flows.add(flow(
                "etl-orders",
                List.of(),
                ids,
                deployment("hourly-sync", k8s, List.of("etl", "prod"), ids),
                deployment("backfill-orders", k8sHighMem, List.of("etl"), ids)));
        flows.add(flow(
                "ingest-clickstream",
                List.of("streaming"),
                ids,
                deployment("stream-5m", docker, List.of("ingest", "prod"), ids)));
        flows.add(flow(
                "train-churn-model",
                List.of("ml"),
                ids,
                deployment("nightly-train", k8sHighMem, List.of("ml", "gpu"), ids)));
        flows.add(flow("refresh-dashboards", List.of(), ids, deployment("every-15m", process, List.of("bi"), ids)));
        flows.add(flow("sync-crm-contacts", List.of("crm"), ids, deployment("crm-sync", docker, List.of("prod"), ids)));
        flows.add(flow("dbt-run-marts", List.of("dbt"), ids, deployment("dbt-prod", k8s, List.of("prod"), ids)));
        flows.add(flow(
                "send-weekly-report", List.of("reporting"), ids, deployment("weekly-report", null, List.of(), ids)));
        flows.add(
                flow("cleanup-temp-storage", List.of("ops"), ids, deployment("housekeeping", process, List.of(), ids)));
        return new Catalogue(flows, ref("rerun-failed-etl", ids));
    }

    private static Flow flow(String name, List<String> tags, Random ids, Deployment... deployments) {
        return new Flow(ref(name, ids), tags, List.of(deployments));
    }

    private static Deployment deployment(String name, Pool pool, List<String> tags, Random ids) {
        return new Deployment(ref(name, ids), pool, tags);
    }

    private static NamedRef ref(String name, Random ids) {
        return new NamedRef(Uuids.v4(ids), name);
    }
}
