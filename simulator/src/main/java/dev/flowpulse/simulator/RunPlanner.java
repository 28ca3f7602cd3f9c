package dev.flowpulse.simulator;

import dev.flowpulse.simulator.events.NamedRef;
import dev.flowpulse.simulator.events.RunIdentity;
import dev.flowpulse.simulator.wire.Uuids;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * Plans realistic flow runs over the {@link Catalogue}: picks flow, deployment, origin and outcome
 * and lays out the state steps with Prefect's lifecycles (reference §1.2–1.3): scheduler-made runs
 * without a Scheduled event, API/automation-made runs with one, ad-hoc runs created Pending,
 * Pending → Submitting → Running for newer workers, retries via AwaitingRetry/Retrying, Late runs,
 * cancellations via Cancelling, runs left unfinished.
 *
 * <p>Deterministic for a given {@link Random}; not thread safe (callers own the Random).
 */
final class RunPlanner {

    /** Run outcomes; the first pass of a scenario walks them in order so small scenarios cover all. */
    enum Shape {
        COMPLETED,
        FAILED,
        CRASHED,
        CANCELLED,
        RETRY_COMPLETED,
        RETRY_FAILED,
        LATE_COMPLETED,
        STILL_RUNNING,
        STILL_SCHEDULED
    }

    /**
     * Gap lengths in seconds: {@code [min, max]} pairs; {@code run} is a mixture of short, medium
     * and long runs for realistic pacing.
     */
    record Pace(
            double[] scheduledToPending,
            double[] lateAfter,
            double[] pendingToSubmitting,
            double[] toRunning,
            double[] shortRun,
            double[] mediumRun,
            double[] longRun,
            double[] retryDelay,
            double[] cancelDelay,
            boolean unfinishedAllowed) {

        static Pace realistic() {
            return new Pace(
                    new double[] {1, 20},
                    new double[] {15, 60},
                    new double[] {0.05, 0.5},
                    new double[] {1, 12},
                    new double[] {2, 30},
                    new double[] {30, 240},
                    new double[] {240, 1200},
                    new double[] {5, 60},
                    new double[] {2, 10},
                    true);
        }

        /** Live traffic: runs of 1–30 s so a local run shows every outcome within a minute. */
        static Pace compressed() {
            return new Pace(
                    new double[] {0.5, 3},
                    new double[] {2, 6},
                    new double[] {0.05, 0.3},
                    new double[] {0.5, 3},
                    new double[] {1, 8},
                    new double[] {8, 20},
                    new double[] {20, 30},
                    new double[] {1, 5},
                    new double[] {1, 3},
                    false);
        }
    }

    private static final String[] ADJECTIVES = {
        "amber", "brave", "calm", "crimson", "daring", "eager", "fluffy", "gentle", "hasty", "icy", "jolly", "keen",
        "lively", "mellow", "nimble", "olive", "polite", "quiet", "rapid", "silver", "tidy", "umber", "vivid", "witty",
        "zesty", "bold", "cosmic", "dusty", "fancy", "golden"
    };
    private static final String[] ANIMALS = {
        "otter", "fox", "heron", "lemur", "gecko", "badger", "crane", "dingo", "ferret", "gibbon", "ibis", "jackal",
        "koala", "lynx", "marten", "newt", "ocelot", "panda", "quokka", "raven", "shrew", "tapir", "urchin", "vole",
        "walrus", "yak", "zebu", "bison", "coyote", "egret"
    };
    private static final String[] FAILURES = {
        "Flow run encountered an exception: ValueError: upstream extract returned 0 rows",
        "Flow run encountered an exception: TimeoutError: warehouse query exceeded 600s",
        "Flow run encountered an exception: KeyError: 'customer_id'",
        "Flow run encountered an exception: ConnectionError: HTTPSConnectionPool(host='api.crm.example', port=443)"
    };
    private static final String CRASH = "Flow run infrastructure exited with non-zero status code 137. "
            + "Process was killed, likely due to an out-of-memory (OOM) condition.";
    private static final String CANCELLED = "Flow run was cancelled successfully.";

    private final Catalogue catalogue;
    private final Pace pace;

    RunPlanner(Catalogue catalogue, Pace pace) {
        this.catalogue = catalogue;
        this.pace = pace;
    }

    Shape randomShape(Random rnd) {
        double x = rnd.nextDouble();
        double[] cumulative = pace.unfinishedAllowed()
                ? new double[] {0.40, 0.52, 0.58, 0.65, 0.73, 0.78, 0.85, 0.95, 1.0}
                : new double[] {0.45, 0.59, 0.66, 0.74, 0.84, 0.90, 1.0, 1.0, 1.0};
        for (int i = 0; i < cumulative.length; i++) {
            if (x < cumulative[i]) {
                return Shape.values()[i];
            }
        }
        return Shape.COMPLETED;
    }

    /**
     * Plans one run starting at {@code start}. When {@code deadline} is set, the run's gaps are
     * scaled down so that its last step falls before it.
     */
    RunPlan plan(Random rnd, Instant start, Shape shape, Instant deadline) {
        Catalogue.Flow flow = catalogue.flows.get(rnd.nextInt(catalogue.flows.size()));
        RunPlan.Origin origin = origin(rnd, shape);
        Catalogue.Deployment deployment = origin == RunPlan.Origin.AD_HOC
                ? null
                : flow.deployments().get(rnd.nextInt(flow.deployments().size()));
        RunIdentity identity = identity(rnd, start, flow, deployment, origin);
        List<double[]> gaps = new ArrayList<>(); // {seconds} before each step after the first
        List<String[]> states = new ArrayList<>(); // {type, name, message}
        boolean created = origin != RunPlan.Origin.SCHEDULER && origin != RunPlan.Origin.AD_HOC;
        if (created) {
            states.add(new String[] {"SCHEDULED", "Scheduled", ""});
        }
        if (shape == Shape.STILL_SCHEDULED) {
            return build(identity, origin, states, gaps, start, deadline, rnd);
        }
        if (shape == Shape.LATE_COMPLETED) {
            step(states, gaps, created ? draw(rnd, pace.lateAfter()) : 0, "SCHEDULED", "Late", "");
        }
        double toPending = states.isEmpty() ? 0 : draw(rnd, pace.scheduledToPending());
        step(states, gaps, toPending, "PENDING", "Pending", "");
        boolean worker = deployment != null && deployment.pool() != null;
        if (worker && rnd.nextDouble() < 0.7) {
            step(states, gaps, draw(rnd, pace.pendingToSubmitting()), "PENDING", "Submitting", "");
        }
        step(states, gaps, draw(rnd, pace.toRunning()), "RUNNING", "Running", "");
        double run = runDuration(rnd);
        switch (shape) {
            case COMPLETED, LATE_COMPLETED -> step(states, gaps, run, "COMPLETED", "Completed", "");
            case FAILED -> step(states, gaps, run, "FAILED", "Failed", FAILURES[rnd.nextInt(FAILURES.length)]);
            case CRASHED -> step(states, gaps, run, "CRASHED", "Crashed", CRASH);
            case CANCELLED -> {
                step(states, gaps, run, "CANCELLING", "Cancelling", "");
                step(states, gaps, draw(rnd, pace.cancelDelay()), "CANCELLED", "Cancelled", CANCELLED);
            }
            case RETRY_COMPLETED -> {
                retry(rnd, states, gaps, run);
                step(states, gaps, runDuration(rnd), "COMPLETED", "Completed", "");
            }
            case RETRY_FAILED -> {
                retry(rnd, states, gaps, run);
                retry(rnd, states, gaps, runDuration(rnd));
                step(states, gaps, runDuration(rnd), "FAILED", "Failed", FAILURES[rnd.nextInt(FAILURES.length)]);
            }
            default -> {} // STILL_RUNNING ends in Running
        }
        return build(identity, origin, states, gaps, start, deadline, rnd);
    }

    private void retry(Random rnd, List<String[]> states, List<double[]> gaps, double run) {
        step(states, gaps, run, "SCHEDULED", "AwaitingRetry", "");
        step(states, gaps, draw(rnd, pace.retryDelay()), "RUNNING", "Retrying", "");
    }

    private static void step(
            List<String[]> states, List<double[]> gaps, double gapSeconds, String type, String name, String message) {
        if (!states.isEmpty()) {
            gaps.add(new double[] {gapSeconds});
        }
        states.add(new String[] {type, name, message});
    }

    private RunPlan build(
            RunIdentity identity,
            RunPlan.Origin origin,
            List<String[]> states,
            List<double[]> gaps,
            Instant start,
            Instant deadline,
            Random rnd) {
        long[] offsets = new long[states.size()];
        for (int i = 1; i < offsets.length; i++) {
            offsets[i] = offsets[i - 1] + Math.max(1_000, (long) (gaps.get(i - 1)[0] * 1_000_000)) + rnd.nextInt(1000);
        }
        if (deadline != null) {
            long budget = Math.max(
                    offsets.length * 2_000L,
                    java.time.Duration.between(start, deadline).toNanos() / 1000);
            long last = offsets[offsets.length - 1];
            if (last > budget) {
                double factor = (double) budget / last;
                for (int i = 1; i < offsets.length; i++) {
                    offsets[i] = Math.max(offsets[i - 1] + 1_000, (long) (offsets[i] * factor));
                }
            }
        }
        List<RunPlan.Step> steps = new ArrayList<>();
        for (int i = 0; i < offsets.length; i++) {
            Instant at = start.plusNanos(offsets[i] * 1000);
            Instant received = at.plusNanos((5_000 + rnd.nextInt(15_000)) * 1000L);
            String[] s = states.get(i);
            steps.add(new RunPlan.Step(s[0], s[1], s[2], at, Uuids.v7(at, rnd), received));
        }
        return new RunPlan(identity, origin, steps);
    }

    private RunPlan.Origin origin(Random rnd, Shape shape) {
        double x = rnd.nextDouble();
        if (shape == Shape.STILL_SCHEDULED) {
            return x < 0.7 ? RunPlan.Origin.API : RunPlan.Origin.AUTOMATION;
        }
        if (shape == Shape.LATE_COMPLETED) {
            return x < 0.5 ? RunPlan.Origin.SCHEDULER : RunPlan.Origin.API;
        }
        if (x < 0.45) {
            return RunPlan.Origin.SCHEDULER;
        }
        if (x < 0.65) {
            return RunPlan.Origin.API;
        }
        if (x < 0.73) {
            return RunPlan.Origin.AUTOMATION;
        }
        if (x < 0.80) {
            return RunPlan.Origin.DEPLOYMENT;
        }
        return RunPlan.Origin.AD_HOC;
    }

    private RunIdentity identity(
            Random rnd, Instant start, Catalogue.Flow flow, Catalogue.Deployment deployment, RunPlan.Origin origin) {
        TreeSet<String> tags = new TreeSet<>(flow.tags());
        if (deployment != null) {
            tags.addAll(deployment.tags());
        }
        if (origin == RunPlan.Origin.SCHEDULER) {
            tags.add("auto-scheduled");
        }
        RunIdentity.Creator creator = switch (origin) {
            case AUTOMATION ->
                new RunIdentity.Creator(
                        RunIdentity.Creator.Kind.AUTOMATION, catalogue.automation.id(), catalogue.automation.name());
            case DEPLOYMENT -> {
                NamedRef parent = catalogue.flows.get(0).deployments().get(0).ref();
                yield new RunIdentity.Creator(RunIdentity.Creator.Kind.DEPLOYMENT, parent.id(), parent.name());
            }
            default -> null;
        };
        String name = ADJECTIVES[rnd.nextInt(ADJECTIVES.length)] + "-" + ANIMALS[rnd.nextInt(ANIMALS.length)];
        Catalogue.Pool pool = deployment == null ? null : deployment.pool();
        return new RunIdentity(
                Uuids.v7(start.minusMillis(1 + rnd.nextInt(500)), rnd),
                name,
                flow.ref(),
                deployment == null ? null : deployment.ref(),
                deployment == null ? null : deployment.queue(),
                pool == null ? null : pool.ref(),
                pool == null ? null : pool.type(),
                List.copyOf(tags),
                creator);
    }

    private double runDuration(Random rnd) {
        double x = rnd.nextDouble();
        double[] range = x < 0.35 ? pace.shortRun() : x < 0.75 ? pace.mediumRun() : pace.longRun();
        return draw(rnd, range);
    }

    private static double draw(Random rnd, double[] range) {
        return range[0] + rnd.nextDouble() * (range[1] - range[0]);
    }
}
