package dev.flowpulse.benchmarks;

import dev.flowpulse.simulator.events.NamedRef;
import dev.flowpulse.simulator.wire.Uuids;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * A large synthetic Prefect workspace for the benchmark corpus: {@value #FLOWS} flows owned by ten
 * teams, one to three deployments each, {@value #POOLS} work pools of four types with two queues
 * each, a few served deployments without a pool, tags ({@code team:*}, domain, environment) and
 * three automations. Names and ids come from a fixed seed, so every corpus of a given size is the
 * same. Immutable.
 */
final class WorkspaceCatalogue {

    static final int FLOWS = 160;
    static final int POOLS = 12;

    record Pool(NamedRef ref, String type, List<NamedRef> queues) {}

    /** A deployment; {@code pool} and {@code queue} are null for a served deployment. */
    record Deployment(NamedRef ref, Pool pool, NamedRef queue, List<String> tags) {}

    record Flow(NamedRef ref, List<String> tags, List<Deployment> deployments) {}

    private static final String[] TEAMS = {
        "data-platform", "growth", "ml", "finance", "marketing", "ops", "analytics", "search", "payments", "crm"
    };
    private static final String[] VERBS = {
        "etl",
        "sync",
        "ingest",
        "train",
        "refresh",
        "export",
        "score",
        "dedupe",
        "backfill",
        "validate",
        "publish",
        "aggregate",
        "snapshot",
        "reconcile",
        "cleanup",
        "index"
    };
    private static final String[] NOUNS = {
        "orders",
        "customers",
        "clickstream",
        "invoices",
        "churn-model",
        "dashboards",
        "crm-contacts",
        "marts",
        "inventory",
        "payments",
        "ledger",
        "sessions",
        "search-index",
        "campaigns",
        "shipments",
        "reviews",
        "events",
        "fx-rates",
        "subscriptions",
        "tickets"
    };
    private static final String[] SCHEDULES = {"hourly", "daily", "every-15m", "every-5m", "nightly", "weekly", "adhoc"
    };
    private static final String[] DOMAINS = {"etl", "ingest", "ml", "bi", "dbt", "reporting", "streaming", "gpu"};
    private static final String[] POOL_TYPES = {"kubernetes", "process", "docker", "ecs"};
    private static final String[] REGIONS = {"eu", "us", "apac"};

    final List<Flow> flows;
    final List<NamedRef> automations;

    private WorkspaceCatalogue(List<Flow> flows, List<NamedRef> automations) {
        this.flows = List.copyOf(flows);
        this.automations = List.copyOf(automations);
    }

    static WorkspaceCatalogue build(long seed) {
        Random rnd = new Random(seed);
        List<Pool> pools = new ArrayList<>();
        for (int i = 0; i < POOLS; i++) {
            String type = POOL_TYPES[i % POOL_TYPES.length];
            String name = type.substring(0, Math.min(4, type.length())) + "-" + REGIONS[i % REGIONS.length] + "-"
                    + (i < 6 ? "prod" : "staging");
            pools.add(new Pool(
                    ref(name, rnd),
                    type,
                    List.of(ref("default", rnd), ref(i % 2 == 0 ? "high-memory" : "critical", rnd))));
        }
        List<Flow> flows = new ArrayList<>();
        for (int f = 0; f < FLOWS; f++) {
            String name = VERBS[f % VERBS.length] + "-" + NOUNS[(f / VERBS.length + f) % NOUNS.length];
            List<String> flowTags = new ArrayList<>();
            flowTags.add("team:" + TEAMS[f % TEAMS.length]);
            if (rnd.nextDouble() < 0.7) {
                flowTags.add(DOMAINS[rnd.nextInt(DOMAINS.length)]);
            }
            int deploymentCount = 1 + rnd.nextInt(3);
            List<Deployment> deployments = new ArrayList<>();
            for (int d = 0; d < deploymentCount; d++) {
                String deploymentName = SCHEDULES[rnd.nextInt(SCHEDULES.length)] + "-" + name + (d == 0 ? "" : "-" + d);
                TreeSet<String> tags = new TreeSet<>();
                tags.add(rnd.nextDouble() < 0.8 ? "prod" : "staging");
                if (rnd.nextDouble() < 0.3) {
                    tags.add(DOMAINS[rnd.nextInt(DOMAINS.length)]);
                }
                if (rnd.nextDouble() < 0.06) {
                    deployments.add(new Deployment(ref(deploymentName, rnd), null, null, List.copyOf(tags)));
                } else {
                    Pool pool = pools.get(rnd.nextInt(pools.size()));
                    NamedRef queue = pool.queues().get(rnd.nextDouble() < 0.8 ? 0 : 1);
                    deployments.add(new Deployment(ref(deploymentName, rnd), pool, queue, List.copyOf(tags)));
                }
            }
            flows.add(new Flow(ref(name, rnd), List.copyOf(flowTags), deployments));
        }
        List<NamedRef> automations = List.of(
                ref("rerun-failed-etl", rnd), ref("retry-crashed-on-new-node", rnd), ref("trigger-downstream", rnd));
        return new WorkspaceCatalogue(flows, automations);
    }

    private static NamedRef ref(String name, Random rnd) {
        return new NamedRef(Uuids.v4(rnd), name);
    }
}
