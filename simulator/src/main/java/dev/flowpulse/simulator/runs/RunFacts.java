package dev.flowpulse.simulator.runs;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a state-change event says about its run besides the state: ids and names of the run, flow,
 * deployment, queue and pool, the tags and the creator, read from {@code resource} and
 * {@code related}. Optional parts are null. Immutable.
 */
public record RunFacts(
        String flowRunId,
        String name,
        String flowId,
        String flowName,
        String deploymentId,
        String deploymentName,
        String workQueueId,
        String workQueueName,
        String workPoolId,
        String workPoolName,
        List<String> tags,
        String creatorKind,
        String creatorId,
        String creatorName) {

    /** Reads the facts from one event's labels. */
    public static RunFacts from(Map<String, String> resource, List<Map<String, String>> related) {
        String flowId = null, flowName = null, deploymentId = null, deploymentName = null;
        String queueId = null, queueName = null, poolId = null, poolName = null;
        String creatorKind = null, creatorId = null, creatorName = null;
        TreeSet<String> tags = new TreeSet<>();
        for (Map<String, String> r : related) {
            String id = r.getOrDefault("prefect.resource.id", "");
            String name = r.get("prefect.resource.name");
            switch (r.getOrDefault("prefect.resource.role", "")) {
                case "flow" -> {
                    flowId = suffix(id, "prefect.flow.");
                    flowName = name;
                }
                case "deployment" -> {
                    deploymentId = suffix(id, "prefect.deployment.");
                    deploymentName = name;
                }
                case "work-queue" -> {
                    queueId = suffix(id, "prefect.work-queue.");
                    queueName = name;
                }
                case "work-pool" -> {
                    poolId = suffix(id, "prefect.work-pool.");
                    poolName = name;
                }
                case "tag" -> tags.add(suffix(id, "prefect.tag."));
                case "creator" -> {
                    creatorKind = id.startsWith("prefect.automation.") ? "AUTOMATION" : "DEPLOYMENT";
                    creatorId = id.substring(id.lastIndexOf('.') + 1);
                    creatorName = name;
                }
                default -> {}
            }
        }
        return new RunFacts(
                suffix(resource.get("prefect.resource.id"), "prefect.flow-run."),
                resource.getOrDefault("prefect.resource.name", ""),
                flowId,
                flowName,
                deploymentId,
                deploymentName,
                queueId,
                queueName,
                poolId,
                poolName,
                List.copyOf(tags),
                creatorKind,
                creatorId,
                creatorName);
    }

    private static String suffix(String id, String prefix) {
        return id != null && id.startsWith(prefix) ? id.substring(prefix.length()) : id;
    }
}
