package dev.flowpulse.simulator.runs;

import dev.flowpulse.simulator.events.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulator's flow-run table, maintained from published state-change events: each run's
 * states (deduplicated by event id, ordered by timestamp) are replayed into a {@link FlowRunRecord}.
 * Events that are not flow-run state changes (heartbeats, other resources) are ignored. Capped: when
 * full, the run whose last update is oldest is forgotten.
 *
 * <p>Thread safe (synchronized).
 */
public final class FlowRunBook {

    private static final Comparator<StateEntry> BY_TIME = Comparator.comparing(StateEntry::timestamp);

    private final int capacity;
    private final Map<String, Timeline> runs = new LinkedHashMap<>(16, 0.75f, true);

    private record Timeline(RunFacts facts, List<StateEntry> states, Instant created, Instant updated) {}

    public FlowRunBook(int capacity) {
        this.capacity = capacity;
    }

    /** Applies a published event; false when it is not a flow-run state change or already known. */
    public synchronized boolean record(StoredEvent event, Instant received) {
        Map<String, String> resource = event.resource();
        String type = resource.get("prefect.state-type");
        String resourceId = event.resourceId();
        if (type == null || !resourceId.startsWith("prefect.flow-run.")) {
            return false;
        }
        StateEntry entry = new StateEntry(
                event.id(),
                type,
                resource.getOrDefault("prefect.state-name", type),
                resource.getOrDefault("prefect.state-message", ""),
                event.occurred(),
                runCount(resource));
        RunFacts facts = RunFacts.from(resource, event.related());
        Timeline timeline = runs.get(facts.flowRunId());
        if (timeline == null) {
            timeline = new Timeline(facts, new ArrayList<>(), received, received);
        } else if (timeline.states().stream().anyMatch(s -> s.id().equals(entry.id()))) {
            return false;
        }
        List<StateEntry> states = timeline.states();
        states.add(entry);
        states.sort(BY_TIME);
        Instant created = timeline.created().isBefore(received) ? timeline.created() : received;
        Instant updated = timeline.updated().isAfter(received) ? timeline.updated() : received;
        runs.put(facts.flowRunId(), new Timeline(facts, states, created, updated));
        if (runs.size() > capacity) {
            String eldest = runs.keySet().iterator().next();
            runs.remove(eldest);
        }
        return true;
    }

    /** Every run's current record. */
    public synchronized List<FlowRunRecord> records() {
        List<FlowRunRecord> records = new ArrayList<>(runs.size());
        for (Timeline t : runs.values()) {
            records.add(FlowRunRecord.replay(t.facts(), t.states(), t.created(), t.updated()));
        }
        return records;
    }

    private static int runCount(Map<String, String> resource) {
        try {
            return Integer.parseInt(resource.getOrDefault("prefect.run-count", "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
