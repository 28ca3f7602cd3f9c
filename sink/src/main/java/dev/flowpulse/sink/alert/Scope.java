package dev.flowpulse.sink.alert;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One thing alerts are about: a flow, a deployment, a work pool, a tag or a team of one Prefect
 * workspace. Labels are Prefect <em>names</em>; the ids, where known, only build links to the
 * Prefect UI. Immutable.
 *
 * @param dimension    which kind of scope
 * @param workspace    the Prefect workspace label
 * @param labels       exactly {@code dimension.labels()}, e.g. {@code {flow, deployment, work_pool}}
 * @param flowId       the flow's id, or "" if unknown or not a flow/deployment scope
 * @param deploymentId the deployment's id, or "" if unknown or not a deployment scope
 */
public record Scope(
        ScopeDimension dimension, String workspace, Map<String, String> labels, String flowId, String deploymentId) {

    public Scope {
        Objects.requireNonNull(dimension, "dimension");
        workspace = workspace == null ? "" : workspace;
        labels = new TreeMap<>(labels);
        if (!labels.keySet().equals(new java.util.TreeSet<>(dimension.labels()))) {
            throw new IllegalArgumentException(
                    "a " + dimension.key() + " scope has labels " + dimension.labels() + ", got " + labels.keySet());
        }
        flowId = flowId == null ? "" : flowId;
        deploymentId = deploymentId == null ? "" : deploymentId;
    }

    public static Scope flow(String workspace, String flow, String flowId) {
        return new Scope(ScopeDimension.FLOW, workspace, Map.of("flow", flow), flowId, "");
    }

    public static Scope deployment(
            String workspace, String flow, String deployment, String workPool, String flowId, String deploymentId) {
        return new Scope(
                ScopeDimension.DEPLOYMENT,
                workspace,
                Map.of("flow", flow, "deployment", deployment, "work_pool", workPool),
                flowId,
                deploymentId);
    }

    public static Scope of(ScopeDimension dimension, String workspace, String value) {
        if (dimension.labels().size() != 1) {
            throw new IllegalArgumentException("use Scope.deployment for deployment scopes");
        }
        return new Scope(dimension, workspace, Map.of(dimension.labels().get(0), value), "", "");
    }

    /** The scope's labels plus {@code workspace}: what a rule's {@code match} is checked against. */
    public Map<String, String> labelsWithWorkspace() {
        Map<String, String> all = new TreeMap<>(labels);
        all.put("workspace", workspace);
        return all;
    }
}
