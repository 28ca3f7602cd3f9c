package dev.flowpulse.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.FlowRunEvent;
import dev.flowpulse.contract.FlowRunEventParser;
import dev.flowpulse.contract.ParsedEvent;
import dev.flowpulse.testkit.PrefectSamples;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Real Prefect samples and variants derived from copies of them (other run ids, event ids,
 * timestamps; for retries the standard state names of Prefect README §1.3). Never a hand-made shape.
 */
public final class SampleEvents {

    /** Run ids from prefect-samples/ids.json. */
    public static final String CRIMSON_FOX = "019df237-3ef6-7325-90c1-a510f37f3369";

    public static final String BRAVE_OTTER = "019df209-a897-73d0-a12b-02126e455ed4";
    public static final String LIVELY_HERON = "019df2b2-d09b-70d7-a12a-f125b20fb2db";
    public static final String POLITE_LEMUR = "019df2f2-ebd2-7d3c-8fe8-ec1de53c9a25";
    public static final String WORKSPACE = "test-workspace";

    private SampleEvents() {}

    /** Scheduled, Pending, Submitting, Running, Completed of crimson-fox, fresh copies. */
    public static List<ObjectNode> crimsonFoxLifecycle() {
        List<ObjectNode> events = new ArrayList<>();
        PrefectSamples.json("events/flow-run-lifecycle-crimson-fox.json").forEach(e -> events.add((ObjectNode) e));
        return events;
    }

    /**
     * A run that failed once and was retried (reference §1.3 run counts), each state following the
     * previous: Running (run_count 1) at {@code t0}, AwaitingRetry (1) at +30 s, Retrying (2) at
     * +90 s, Completed (2) at +135 s; event ids {@code eventId(firstEventId)} onwards.
     */
    public static List<ObjectNode> retriedRun(String runId, int firstEventId, Instant t0) {
        ObjectNode running = derive(sample("Running"), runId, eventId(firstEventId), t0);
        ObjectNode awaitingRetry =
                after(running, "Scheduled", "AwaitingRetry", eventId(firstEventId + 1), t0.plusSeconds(30), 1);
        ObjectNode retrying =
                after(awaitingRetry, "Running", "Retrying", eventId(firstEventId + 2), t0.plusSeconds(90), 2);
        ObjectNode completed =
                after(retrying, "Completed", "Completed", eventId(firstEventId + 3), t0.plusSeconds(135), 2);
        return List.of(running, awaitingRetry, retrying, completed);
    }

    /**
     * A run that failed, was retried by an automation after its terminal state and completed
     * (reference §1.3: AwaitingRetry is SCHEDULED, Retrying is RUNNING with run_count 2): Running (1)
     * at {@code t0}, Failed (1) at +60 s, AwaitingRetry (1) at +120 s, Retrying (2) at +180 s,
     * Completed (2) at +240 s, each following the previous; event ids {@code eventId(firstEventId)} onwards.
     */
    public static List<ObjectNode> refinishedRun(String runId, int firstEventId, Instant t0) {
        ObjectNode running = derive(sample("Running"), runId, eventId(firstEventId), t0);
        ObjectNode failed = after(running, "Failed", "Failed", eventId(firstEventId + 1), t0.plusSeconds(60), 1);
        ObjectNode awaitingRetry =
                after(failed, "Scheduled", "AwaitingRetry", eventId(firstEventId + 2), t0.plusSeconds(120), 1);
        ObjectNode retrying =
                after(awaitingRetry, "Running", "Retrying", eventId(firstEventId + 3), t0.plusSeconds(180), 2);
        ObjectNode completed =
                after(retrying, "Completed", "Completed", eventId(firstEventId + 4), t0.plusSeconds(240), 2);
        return List.of(running, failed, awaitingRetry, retrying, completed);
    }

    /**
     * The next state of {@code previous}'s run, as Prefect emits it right after it: a copy of the
     * sample {@code sampleState} named {@code stateName} (Prefect's standard name for a state of that
     * type), with its own event id, time and run count, {@linkplain #following following} {@code previous}.
     */
    public static ObjectNode after(
            ObjectNode previous, String sampleState, String stateName, String eventId, Instant at, int runCount) {
        ObjectNode base = sampleState.equals(stateName) ? sample(sampleState) : named(sample(sampleState), stateName);
        return following(runCount(derive(base, runId(previous), eventId, at), runCount), previous);
    }

    /** A copy with one more {@code tag} related resource, as Prefect lists tags (reference §1.3, role {@code tag}). */
    public static ObjectNode tagged(JsonNode event, String tag) {
        ObjectNode copy = event.deepCopy();
        ObjectNode related = copy.withArray("related").addObject();
        related.put("prefect.resource.id", "prefect.tag." + tag);
        related.put("prefect.resource.role", "tag");
        return copy;
    }

    /** A fresh copy of {@code events/flow-run-<stateName>.json}. */
    public static ObjectNode sample(String stateName) {
        return (ObjectNode) PrefectSamples.event(stateName);
    }

    /**
     * A copy of {@code sample} for another run, with its own event id and state time. Its
     * {@code follows} is cleared: the sample's predecessor is not the copy's (null is what Prefect
     * sends when the previous state is 5 min or more away); {@link #following} links a copy.
     */
    public static ObjectNode derive(JsonNode sample, String runId, String eventId, Instant occurred) {
        ObjectNode copy = sample.deepCopy();
        ObjectNode resource = (ObjectNode) copy.get("resource");
        resource.put("prefect.resource.id", FlowRunEventParser.FLOW_RUN_RESOURCE_PREFIX + runId);
        copy.put("id", eventId);
        copy.putNull("follows");
        return at(copy, occurred);
    }

    /**
     * A copy of {@code event} as Prefect emits it right after {@code previous} (less than 5 min
     * later): {@code follows} = the previous event id, {@code payload.intended.from} and
     * {@code payload.initial_state} = the previous state (reference §1.3).
     */
    public static ObjectNode following(JsonNode event, JsonNode previous) {
        ObjectNode copy = event.deepCopy();
        copy.put("follows", previous.get("id").asText());
        JsonNode previousResource = previous.get("resource");
        ObjectNode payload = (ObjectNode) copy.get("payload");
        ((ObjectNode) payload.get("intended"))
                .put("from", previousResource.get("prefect.state-type").asText());
        ObjectNode initial = payload.putObject("initial_state");
        initial.put("type", previousResource.get("prefect.state-type").asText());
        initial.put("name", previousResource.get("prefect.state-name").asText());
        return copy;
    }

    /** A copy with another {@code prefect.run-count} (reference §1.3: 1 from the first Running on, 2 after a retry). */
    public static ObjectNode runCount(JsonNode event, int runCount) {
        ObjectNode copy = event.deepCopy();
        ((ObjectNode) copy.get("resource")).put("prefect.run-count", Integer.toString(runCount));
        return copy;
    }

    /** A copy of {@code sample} at another time (state-timestamp label and received follow). */
    public static ObjectNode at(JsonNode sample, Instant occurred) {
        ObjectNode copy = sample.deepCopy();
        copy.put("occurred", occurred.toString());
        copy.put("received", occurred.plusMillis(12).toString());
        ObjectNode resource = (ObjectNode) copy.get("resource");
        if (resource.has("prefect.state-timestamp")) {
            resource.put("prefect.state-timestamp", occurred.toString().replace("Z", "+00:00"));
        }
        return copy;
    }

    /** Prefect's standard name for a state of the same type (e.g. AwaitingRetry is SCHEDULED, Retrying is RUNNING). */
    public static ObjectNode named(JsonNode sample, String stateName) {
        ObjectNode copy = sample.deepCopy();
        copy.put("event", FlowRunEventParser.FLOW_RUN_EVENT_PREFIX + stateName);
        ((ObjectNode) copy.get("resource")).put("prefect.state-name", stateName);
        ((ObjectNode) copy.get("payload").get("validated_state")).put("name", stateName);
        return copy;
    }

    /** A copy without the related resource of {@code role} (Prefect omits e.g. the deployment of ad-hoc runs). */
    public static ObjectNode without(JsonNode sample, String role) {
        ObjectNode copy = sample.deepCopy();
        var related = copy.withArray("related");
        for (int i = related.size() - 1; i >= 0; i--) {
            if (role.equals(related.get(i).path("prefect.resource.role").asText())) {
                related.remove(i);
            }
        }
        return copy;
    }

    public static String runId(JsonNode event) {
        return event.get("resource")
                .get("prefect.resource.id")
                .asText()
                .substring(FlowRunEventParser.FLOW_RUN_RESOURCE_PREFIX.length());
    }

    public static Instant occurred(JsonNode event) {
        return Instant.parse(event.get("occurred").asText());
    }

    public static byte[] bytes(JsonNode event) {
        return event.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The parsed form, as the topology's parse step produces it. */
    public static FlowRunEvent parsed(JsonNode event) {
        ParsedEvent parsed = FlowRunEventParser.parse(event, WORKSPACE);
        if (parsed instanceof ParsedEvent.StateChange change) {
            return change.event();
        }
        throw new IllegalArgumentException("not a state change: " + parsed);
    }

    /** A recognisable UUIDv7-shaped event id for derived events. */
    public static String eventId(int n) {
        return String.format("019df300-0000-7000-8000-%012d", n);
    }
}
