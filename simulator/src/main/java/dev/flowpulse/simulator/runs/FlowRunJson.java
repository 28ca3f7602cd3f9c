package dev.flowpulse.simulator.runs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.simulator.wire.PrefectTime;
import java.time.Instant;

/**
 * Renders a {@link FlowRunRecord} as Prefect's {@code FlowRunResponse} (reference §3.3; field order
 * as in the {@code rest/flow-runs-filter-response.json} sample). Fields the events cannot tell
 * (parameters, flow_version, infrastructure) carry Prefect's defaults.
 *
 * <p>Stateless and thread safe.
 */
public final class FlowRunJson {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private FlowRunJson() {}

    public static ObjectNode flowRun(FlowRunRecord r, Instant now) {
        RunFacts f = r.facts();
        ObjectNode run = JSON.objectNode();
        run.put("id", f.flowRunId());
        run.put("created", PrefectTime.format(r.created()));
        run.put("updated", PrefectTime.format(r.updated()));
        run.put("name", f.name());
        run.put("flow_id", f.flowId());
        run.put("state_id", r.state().id());
        run.put("deployment_id", f.deploymentId());
        run.putNull("deployment_version");
        run.put("work_queue_id", f.workQueueId());
        run.put("work_queue_name", f.workQueueName());
        run.putNull("flow_version");
        run.putObject("parameters");
        run.putNull("idempotency_key");
        run.putObject("context");
        ObjectNode policy = run.putObject("empirical_policy");
        policy.put("max_retries", 0).put("retry_delay_seconds", 0.0).putNull("retries");
        policy.putNull("retry_delay");
        policy.putArray("pause_keys");
        policy.put("resuming", false).putNull("retry_type");
        ArrayNode tags = run.putArray("tags");
        f.tags().forEach(tags::add);
        ObjectNode labels = run.putObject("labels");
        if (f.flowId() != null) {
            labels.put("prefect.flow.id", f.flowId());
        }
        if (f.deploymentId() != null) {
            labels.put("prefect.deployment.id", f.deploymentId());
        }
        run.putNull("parent_task_run_id");
        run.put("state_type", r.state().type());
        run.put("state_name", r.state().name());
        run.put("run_count", r.runCount());
        run.put("expected_start_time", PrefectTime.format(r.expectedStartTime()));
        if ("SCHEDULED".equals(r.state().type())) {
            run.put("next_scheduled_start_time", PrefectTime.format(r.expectedStartTime()));
        } else {
            run.putNull("next_scheduled_start_time");
        }
        time(run, "start_time", r.startTime());
        time(run, "end_time", r.endTime());
        run.put("total_run_time", PrefectTime.seconds(r.totalRunTimeMicros()));
        run.put("estimated_run_time", PrefectTime.seconds(r.estimatedRunTimeMicros(now)));
        run.put("estimated_start_time_delta", PrefectTime.seconds(r.estimatedStartTimeDeltaMicros(now)));
        run.put("auto_scheduled", f.tags().contains("auto-scheduled"));
        run.putNull("infrastructure_document_id");
        run.putNull("infrastructure_pid");
        if (f.creatorKind() == null) {
            run.putNull("created_by");
        } else {
            run.putObject("created_by")
                    .put("id", f.creatorId())
                    .put("type", f.creatorKind())
                    .put("display_value", f.creatorName());
        }
        run.put("work_pool_id", f.workPoolId());
        run.put("work_pool_name", f.workPoolName());
        run.set("state", state(r));
        run.putObject("job_variables");
        return run;
    }

    private static ObjectNode state(FlowRunRecord r) {
        ObjectNode state = JSON.objectNode();
        state.put("id", r.state().id());
        state.put("type", r.state().type());
        state.put("name", r.state().name());
        state.put("timestamp", PrefectTime.format(r.state().timestamp()));
        if (r.state().message().isEmpty()) {
            state.putNull("message");
        } else {
            state.put("message", r.state().message());
        }
        state.putNull("data");
        ObjectNode details = state.putObject("state_details");
        details.put("flow_run_id", r.facts().flowRunId());
        details.putNull("task_run_id").putNull("child_flow_run_id");
        if ("SCHEDULED".equals(r.state().type())) {
            details.put("scheduled_time", PrefectTime.format(r.expectedStartTime()));
        } else {
            details.putNull("scheduled_time");
        }
        details.putNull("cache_key").putNull("cache_expiration");
        details.put("deferred", false).put("untrackable_result", false);
        details.putNull("pause_timeout");
        details.put("pause_reschedule", false);
        details.putNull("pause_key")
                .putNull("run_input_keyset")
                .putNull("refresh_cache")
                .putNull("retriable")
                .putNull("transition_id")
                .putNull("task_parameters_id")
                .putNull("traceparent")
                .putNull("deployment_concurrency_lease_id");
        return state;
    }

    private static void time(ObjectNode node, String field, Instant value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, PrefectTime.format(value));
        }
    }
}
