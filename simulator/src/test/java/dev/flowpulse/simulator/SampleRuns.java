package dev.flowpulse.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.simulator.events.EventFactory;
import dev.flowpulse.simulator.events.NamedRef;
import dev.flowpulse.simulator.events.RunIdentity;
import dev.flowpulse.simulator.events.StateSnapshot;
import dev.flowpulse.simulator.wire.Uuids;
import dev.flowpulse.testkit.PrefectSamples;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/** Builds state-change events for runs of the sample workspace ({@code ids.json}) with chosen timings. */
final class SampleRuns {

    static final JsonNode IDS = PrefectSamples.json("ids.json");
    private static final Random RANDOM = new Random(1);

    record State(String type, String name, Instant at, UUID id) {
        State(String type, String name, Instant at) {
            this(type, name, at, null);
        }
    }

    private SampleRuns() {}

    /** A run of the sample deployment {@code hourly-sync} on {@code k8s-prod}. */
    static RunIdentity sampleDeploymentRun(UUID runId, String name, List<String> tags) {
        return new RunIdentity(
                runId,
                name,
                ref(IDS.get("flow")),
                ref(IDS.get("deployment")),
                ref(IDS.get("work_queue")),
                ref(IDS.get("work_pool")),
                IDS.get("work_pool").get("type").textValue(),
                tags,
                null);
    }

    /** A run of some other deployment, for filters to exclude. */
    static RunIdentity otherDeploymentRun(UUID runId, String name) {
        return new RunIdentity(
                runId,
                name,
                ref(IDS.get("flow")),
                new NamedRef(UUID.randomUUID(), "other"),
                null,
                null,
                null,
                List.of(),
                null);
    }

    static List<ObjectNode> events(RunIdentity run, List<State> states) {
        List<ObjectNode> events = new ArrayList<>();
        StateSnapshot previous = null;
        int runCount = 0;
        for (State s : states) {
            UUID id = s.id() != null ? s.id() : Uuids.v7(s.at(), RANDOM);
            StateSnapshot next = new StateSnapshot(id, s.type(), s.name(), "", s.at());
            runCount = EventFactory.nextRunCount(runCount, previous == null ? null : previous.type(), next.type());
            events.add(EventFactory.stateChange(run, previous, next, runCount, s.at().plusMillis(12)));
            previous = next;
        }
        return events;
    }

    private static NamedRef ref(JsonNode node) {
        return new NamedRef(
                UUID.fromString(node.get("id").textValue()), node.get("name").textValue());
    }
}
