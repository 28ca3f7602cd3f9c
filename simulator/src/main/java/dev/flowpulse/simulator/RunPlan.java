package dev.flowpulse.simulator;

import dev.flowpulse.simulator.events.RunIdentity;
import dev.flowpulse.simulator.wire.PrefectTime;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One planned flow run: who it is ({@link RunIdentity}), how it was created ({@link Origin}) and the
 * states it goes through, each with its declared timestamp. Scenario expectations are computed
 * from these declarations, never from the generated event JSON. Immutable.
 */
public record RunPlan(RunIdentity identity, Origin origin, List<Step> steps) {

    /** How Prefect created the run; decides whether a Scheduled event exists and the creator resource. */
    public enum Origin {
        /** Made by the scheduler service: bulk-inserted Scheduled state, so no Scheduled event. */
        SCHEDULER,
        /** Created through the API ({@code create_flow_run}): a Scheduled event, no creator. */
        API,
        /** Created by an automation: a Scheduled event with a {@code creator} related resource. */
        AUTOMATION,
        /** Created by another deployment's flow ({@code run_deployment}): creator is that deployment. */
        DEPLOYMENT,
        /** A flow called directly, no deployment: created in Pending. */
        AD_HOC
    }

    /**
     * One declared state entry.
     *
     * @param stateId  the state's UUIDv7 (= the event id)
     * @param received when the server accepted the state-change event
     */
    public record Step(
            String stateType, String stateName, String message, Instant timestamp, UUID stateId, Instant received) {
        public Step {
            Objects.requireNonNull(stateType, "stateType");
            Objects.requireNonNull(stateName, "stateName");
            message = message == null ? "" : message;
        }

        public boolean isTerminal() {
            return switch (stateType) {
                case "COMPLETED", "FAILED", "CANCELLED", "CRASHED" -> true;
                default -> false;
            };
        }
    }

    public RunPlan {
        Objects.requireNonNull(identity, "identity");
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a run plan needs at least one step");
        }
    }

    public String flow() {
        return identity.flowName();
    }

    /** Deployment name, "" for ad-hoc runs. */
    public String deployment() {
        return identity.deploymentName();
    }

    /** Work pool name, "" when the run has none. */
    public String workPool() {
        return identity.workPoolName();
    }

    /** The first terminal step, if the run finishes within the plan. */
    public Optional<Step> firstTerminal() {
        return steps.stream().filter(Step::isTerminal).findFirst();
    }

    public boolean finished() {
        return firstTerminal().isPresent();
    }

    /**
     * Prefect's {@code total_run_time} when the run first finishes: the sum of the spans that start
     * in a RUNNING state, up to the first terminal step (or the last step for unfinished runs).
     */
    public long totalRunTimeMicros() {
        long total = 0;
        for (int i = 0; i + 1 < steps.size(); i++) {
            if (steps.get(i).isTerminal()) {
                break;
            }
            if ("RUNNING".equals(steps.get(i).stateType())) {
                total += PrefectTime.microsBetween(
                        steps.get(i).timestamp(), steps.get(i + 1).timestamp());
            }
        }
        return total;
    }

    public Instant firstTimestamp() {
        return steps.get(0).timestamp();
    }

    public Instant lastTimestamp() {
        return steps.get(steps.size() - 1).timestamp();
    }
}
