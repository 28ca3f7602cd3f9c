package dev.flowpulse.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Draws the state sequence of one flow run with Prefect's lifecycles: Scheduled (not for
 * scheduler-made or ad-hoc runs) → Pending → Submitting (most worker runs) → Running → Completed,
 * Failed, Crashed or Cancelling → Cancelled; retries through AwaitingRetry → Retrying; Late runs; a
 * few runs left Running or Scheduled. Gaps follow the simulator's realistic pace (seconds to 20
 * minutes). Stateless; callers own the {@link Random}.
 */
final class RunLifecycles {

    /** How Prefect created the run: decides the first state and the creator resource. */
    enum Origin {
        SCHEDULER,
        API,
        AUTOMATION,
        DEPLOYMENT,
        AD_HOC
    }

    /** One state entry, {@code gapSeconds} after the previous one (0 for the first). */
    record Step(String type, String name, String message, double gapSeconds) {}

    private static final String[] FAILURES = {
        "Flow run encountered an exception: ValueError: upstream extract returned 0 rows",
        "Flow run encountered an exception: TimeoutError: warehouse query exceeded 600s",
        "Flow run encountered an exception: KeyError: 'customer_id'",
        "Flow run encountered an exception: ConnectionError: HTTPSConnectionPool(host='api.crm.example', port=443)"
    };
    private static final String CRASH = "Flow run infrastructure exited with non-zero status code 137. "
            + "Process was killed, likely due to an out-of-memory (OOM) condition.";
    private static final String CANCELLED = "Flow run was cancelled successfully.";

    private RunLifecycles() {}

    static Origin origin(Random rnd, boolean hasDeployment) {
        if (!hasDeployment) {
            return Origin.AD_HOC;
        }
        double x = rnd.nextDouble();
        return x < 0.55 ? Origin.SCHEDULER : x < 0.80 ? Origin.API : x < 0.90 ? Origin.AUTOMATION : Origin.DEPLOYMENT;
    }

    static List<Step> draw(Random rnd, Origin origin, boolean worker) {
        List<Step> steps = new ArrayList<>(8);
        boolean created = origin != Origin.SCHEDULER && origin != Origin.AD_HOC;
        if (created) {
            steps.add(new Step("SCHEDULED", "Scheduled", "", 0));
        }
        double outcome = rnd.nextDouble();
        if (outcome < 0.02 && created) {
            return steps; // still scheduled
        }
        if (rnd.nextDouble() < 0.07) {
            steps.add(new Step("SCHEDULED", "Late", "", steps.isEmpty() ? 0 : between(rnd, 15, 60)));
        }
        steps.add(new Step("PENDING", "Pending", "", steps.isEmpty() ? 0 : between(rnd, 1, 20)));
        if (worker && rnd.nextDouble() < 0.7) {
            steps.add(new Step("PENDING", "Submitting", "", between(rnd, 0.05, 0.5)));
        }
        steps.add(new Step("RUNNING", "Running", "", between(rnd, 1, 12)));
        if (outcome < 0.04) {
            return steps; // still running
        }
        if (outcome < 0.12) {
            retry(rnd, steps);
            if (outcome < 0.07) {
                retry(rnd, steps);
                steps.add(failed(rnd));
            } else {
                steps.add(new Step("COMPLETED", "Completed", "", runSeconds(rnd)));
            }
        } else if (outcome < 0.25) {
            steps.add(failed(rnd));
        } else if (outcome < 0.30) {
            steps.add(new Step("CRASHED", "Crashed", CRASH, runSeconds(rnd)));
        } else if (outcome < 0.36) {
            steps.add(new Step("CANCELLING", "Cancelling", "", runSeconds(rnd)));
            steps.add(new Step("CANCELLED", "Cancelled", CANCELLED, between(rnd, 2, 10)));
        } else {
            steps.add(new Step("COMPLETED", "Completed", "", runSeconds(rnd)));
        }
        return steps;
    }

    private static void retry(Random rnd, List<Step> steps) {
        steps.add(new Step("SCHEDULED", "AwaitingRetry", "", runSeconds(rnd)));
        steps.add(new Step("RUNNING", "Retrying", "", between(rnd, 5, 60)));
    }

    private static Step failed(Random rnd) {
        return new Step("FAILED", "Failed", FAILURES[rnd.nextInt(FAILURES.length)], runSeconds(rnd));
    }

    /** A mixture of short (2–30 s), medium (30 s–4 min) and long (4–20 min) runs. */
    private static double runSeconds(Random rnd) {
        double x = rnd.nextDouble();
        return x < 0.35 ? between(rnd, 2, 30) : x < 0.75 ? between(rnd, 30, 240) : between(rnd, 240, 1200);
    }

    private static double between(Random rnd, double min, double max) {
        return min + rnd.nextDouble() * (max - min);
    }
}
