package dev.flowpulse.simulator.events;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.simulator.wire.PrefectTime;
import java.time.Duration;
import java.time.Instant;
import java.util.TreeSet;

/**
 * Builds flow-run state-change ReceivedEvents field for field like Prefect's
 * {@code flow_run_state_change_event()} (reference §1.2–1.3): field order occurred, event, resource,
 * related, payload, id, follows, received; the seven resource labels; related flow, deployment,
 * work-queue, work-pool, sorted tags, creator; the intended/initial/validated payload.
 *
 * <p>Pure and stateless; thread safe.
 */
public final class EventFactory {

    /** Prefect links {@code follows} only when the previous state is less than this far away. */
    static final Duration TIGHT_TIMING = Duration.ofMinutes(5);

    static final int MESSAGE_LIMIT = 100_000;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private EventFactory() {}

    /**
     * @param previous the run's state before this transition, null for the first state
     * @param runCount the run count after this transition (see {@link #nextRunCount})
     * @param received when the server accepted the event (a few ms after {@code next.timestamp()})
     */
    public static ObjectNode stateChange(
            RunIdentity run, StateSnapshot previous, StateSnapshot next, int runCount, Instant received) {
        ObjectNode event = JSON.objectNode();
        event.put("occurred", PrefectTime.format(next.timestamp()));
        event.put("event", "prefect.flow-run." + next.name());
        event.set("resource", resource(run, next, runCount));
        event.set("related", related(run));
        event.set("payload", payload(previous, next));
        event.put("id", next.id().toString());
        if (previous != null && timingIsTight(previous.timestamp(), next.timestamp())) {
            event.put("follows", previous.id().toString());
        } else {
            event.putNull("follows");
        }
        event.put("received", PrefectTime.format(received));
        return event;
    }

    /**
     * Prefect's {@code IncrementFlowRunCount}: every entry into RUNNING counts, except resuming
     * from a pause.
     */
    public static int nextRunCount(int current, String fromType, String toType) {
        boolean entersRunning = "RUNNING".equals(toType) && !"RUNNING".equals(fromType);
        boolean resumesFromPause = "PAUSED".equals(fromType);
        return entersRunning && !resumesFromPause ? current + 1 : current;
    }

    static boolean timingIsTight(Instant previous, Instant next) {
        Duration gap = Duration.between(previous, next);
        return gap.compareTo(TIGHT_TIMING.negated()) > 0 && gap.compareTo(TIGHT_TIMING) < 0;
    }

    private static ObjectNode resource(RunIdentity run, StateSnapshot state, int runCount) {
        ObjectNode resource = JSON.objectNode();
        resource.put("prefect.resource.id", "prefect.flow-run." + run.flowRunId());
        resource.put("prefect.resource.name", run.flowRunName());
        resource.put("prefect.run-count", Integer.toString(runCount));
        resource.put("prefect.state-message", truncated(state.message()));
        resource.put("prefect.state-name", state.name());
        resource.put("prefect.state-timestamp", PrefectTime.isoformat(state.timestamp()));
        resource.put("prefect.state-type", state.type());
        return resource;
    }

    private static ArrayNode related(RunIdentity run) {
        ArrayNode related = JSON.arrayNode();
        related.add(relatedResource(
                "prefect.flow." + run.flow().id(), "flow", run.flow().name()));
        if (run.deployment() != null) {
            related.add(relatedResource(
                    "prefect.deployment." + run.deployment().id(),
                    "deployment",
                    run.deployment().name()));
        }
        if (run.workQueue() != null) {
            related.add(relatedResource(
                    "prefect.work-queue." + run.workQueue().id(),
                    "work-queue",
                    run.workQueue().name()));
        }
        if (run.workPool() != null) {
            related.add(relatedResource(
                            "prefect.work-pool." + run.workPool().id(),
                            "work-pool",
                            run.workPool().name())
                    .put("prefect.work-pool.type", run.workPoolType()));
        }
        for (String tag : new TreeSet<>(run.tags())) {
            related.add(JSON.objectNode()
                    .put("prefect.resource.id", "prefect.tag." + tag)
                    .put("prefect.resource.role", "tag"));
        }
        if (run.creator() != null) {
            RunIdentity.Creator creator = run.creator();
            related.add(relatedResource(creator.kind().resourceId(creator.id()), "creator", creator.name()));
        }
        return related;
    }

    private static ObjectNode relatedResource(String id, String role, String name) {
        return JSON.objectNode()
                .put("prefect.resource.id", id)
                .put("prefect.resource.role", role)
                .put("prefect.resource.name", name);
    }

    private static ObjectNode payload(StateSnapshot previous, StateSnapshot next) {
        ObjectNode payload = JSON.objectNode();
        ObjectNode intended = payload.putObject("intended");
        if (previous == null) {
            intended.putNull("from");
        } else {
            intended.put("from", previous.type());
        }
        intended.put("to", next.type());
        if (previous == null) {
            payload.putNull("initial_state");
        } else {
            payload.set("initial_state", statePayload(previous));
        }
        payload.set("validated_state", statePayload(next));
        return payload;
    }

    /** Prefect's {@code state_payload()}: message omitted when empty; pause_reschedule only for PAUSED. */
    private static ObjectNode statePayload(StateSnapshot state) {
        ObjectNode node = JSON.objectNode().put("type", state.type()).put("name", state.name());
        if (!state.message().isEmpty()) {
            node.put("message", truncated(state.message()));
        }
        if ("PAUSED".equals(state.type())) {
            node.put("pause_reschedule", "false");
        }
        return node;
    }

    private static String truncated(String message) {
        return message.length() <= MESSAGE_LIMIT ? message : message.substring(0, MESSAGE_LIMIT);
    }
}
