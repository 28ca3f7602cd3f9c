package dev.flowpulse.simulator.events;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Everything about a flow run that a state-change event repeats on every transition: the run, its
 * flow, deployment, work queue and pool, tags and creator (reference §1.3, the {@code related} block).
 * Optional parts are null. Immutable.
 *
 * @param tags the union of run, flow and deployment tags; the factory sorts and de-duplicates them
 * @param creator present only for runs created by an automation or a deployment, never by the scheduler
 */
public record RunIdentity(
        UUID flowRunId,
        String flowRunName,
        NamedRef flow,
        NamedRef deployment,
        NamedRef workQueue,
        NamedRef workPool,
        String workPoolType,
        List<String> tags,
        Creator creator) {

    public RunIdentity {
        Objects.requireNonNull(flowRunId, "flowRunId");
        Objects.requireNonNull(flowRunName, "flowRunName");
        Objects.requireNonNull(flow, "flow");
        tags = List.copyOf(tags == null ? List.of() : tags);
        if (workPool != null && workPoolType == null) {
            throw new IllegalArgumentException("a work pool needs its type");
        }
    }

    /** Flow name, or "" (never happens for a real run, kept for symmetry with the others). */
    public String flowName() {
        return flow.name();
    }

    /** Deployment name, "" for ad-hoc runs. */
    public String deploymentName() {
        return deployment == null ? "" : deployment.name();
    }

    /** Work pool name, "" when the run has no pool. */
    public String workPoolName() {
        return workPool == null ? "" : workPool.name();
    }

    /** Who created the run, as Prefect's {@code created_by} for AUTOMATION or DEPLOYMENT. */
    public record Creator(Kind kind, UUID id, String name) {
        public enum Kind {
            AUTOMATION("prefect.automation."),
            DEPLOYMENT("prefect.deployment.");

            private final String resourcePrefix;

            Kind(String resourcePrefix) {
                this.resourcePrefix = resourcePrefix;
            }

            public String resourceId(UUID id) {
                return resourcePrefix + id;
            }
        }
    }
}
