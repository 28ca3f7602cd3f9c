package dev.flowpulse.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.simulator.events.EventFactory;
import dev.flowpulse.simulator.events.StateSnapshot;
import dev.flowpulse.simulator.wire.PrefectTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A deterministic batch of flow runs and their state-change events: same seed and start give
 * identical events, byte for byte. Runs start within the first three minutes after {@code start}
 * and every event lies in {@code [start, start + 10 min)} ({@link #SPAN}), so a test can place the
 * whole scenario inside Prefect's 15-minute websocket backfill window (e.g. {@code start = now − 11 min}).
 * The first nine runs walk every outcome (completed, failed, crashed, cancelled, retried then
 * completed/failed, late, still running, still scheduled); later runs are drawn at random.
 *
 * <p>Expectations ({@link #expectedStateEntries}, {@link #expectedFinished},
 * {@link #expectedRunningSeconds}) are computed from the run plans' declared steps, not from the
 * event JSON, so tests can check a consumer against them independently. Immutable; thread safe.
 */
public final class Scenario {

    /** Every event of a scenario lies within this span after its start. */
    public static final Duration SPAN = Duration.ofMinutes(10);

    private static final Duration START_SPREAD = Duration.ofMinutes(3);
    private static final Comparator<ObjectNode> BY_OCCURRED = Comparator.comparing(
                    (ObjectNode e) -> PrefectTime.parse(e.get("occurred").textValue()))
            .thenComparing(e -> e.get("id").textValue());

    private final List<RunPlan> runs;
    private final List<ObjectNode> events;

    public record StateKey(String flow, String deployment, String workPool, String stateType, String stateName) {}

    public record FinishedKey(String flow, String deployment, String workPool, String stateType) {}

    private Scenario(List<RunPlan> runs, List<ObjectNode> events) {
        this.runs = List.copyOf(runs);
        this.events = List.copyOf(events);
    }

    public static Scenario generate(long seed, int runs, Instant start) {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be >= 1");
        }
        Random rnd = new Random(seed);
        Instant origin = PrefectTime.micros(start);
        Instant deadline = origin.plus(SPAN).minusSeconds(1);
        RunPlanner planner = new RunPlanner(Catalogue.standard(), RunPlanner.Pace.realistic());
        RunPlanner.Shape[] shapes = RunPlanner.Shape.values();
        long spreadMicros = START_SPREAD.toNanos() / 1000;
        List<RunPlan> plans = new ArrayList<>(runs);
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long offset = spreadMicros * i / runs + rnd.nextInt(500_000);
            Instant runStart = origin.plusNanos(offset * 1000);
            RunPlanner.Shape shape = i < shapes.length ? shapes[i] : planner.randomShape(rnd);
            RunPlan plan = planner.plan(rnd, runStart, shape, deadline);
            plans.add(plan);
            events.addAll(eventsOf(plan));
        }
        events.sort(BY_OCCURRED);
        return new Scenario(plans, events);
    }

    /** The state-change events of one plan, in step order, built by {@link EventFactory}. */
    static List<ObjectNode> eventsOf(RunPlan plan) {
        List<ObjectNode> events = new ArrayList<>(plan.steps().size());
        StateSnapshot previous = null;
        int runCount = 0;
        for (RunPlan.Step step : plan.steps()) {
            StateSnapshot next = new StateSnapshot(
                    step.stateId(), step.stateType(), step.stateName(), step.message(), step.timestamp());
            runCount = EventFactory.nextRunCount(runCount, previous == null ? null : previous.type(), next.type());
            events.add(EventFactory.stateChange(plan.identity(), previous, next, runCount, step.received()));
            previous = next;
        }
        return events;
    }

    public List<RunPlan> runs() {
        return runs;
    }

    /** All state-change ReceivedEvents, ascending by occurred; fresh copies, safe to modify. */
    public List<ObjectNode> events() {
        List<ObjectNode> copies = new ArrayList<>(events.size());
        events.forEach(e -> copies.add(e.deepCopy()));
        return copies;
    }

    /** Distinct state entries per (flow, deployment, pool, state type, state name), from the declared steps. */
    public Map<StateKey, Long> expectedStateEntries() {
        Map<StateKey, Long> counts = new LinkedHashMap<>();
        for (RunPlan plan : runs) {
            for (RunPlan.Step step : plan.steps()) {
                counts.merge(
                        new StateKey(
                                plan.flow(), plan.deployment(), plan.workPool(), step.stateType(), step.stateName()),
                        1L,
                        Long::sum);
            }
        }
        return Collections.unmodifiableMap(counts);
    }

    /** Finished runs per (flow, deployment, pool, first terminal state type). */
    public Map<FinishedKey, Long> expectedFinished() {
        Map<FinishedKey, Long> counts = new LinkedHashMap<>();
        for (RunPlan plan : runs) {
            plan.firstTerminal().ifPresent(t -> counts.merge(finishedKey(plan, t), 1L, Long::sum));
        }
        return Collections.unmodifiableMap(counts);
    }

    /**
     * Sum of Prefect {@code total_run_time} (seconds) of the finished runs per series; summed in
     * microseconds and converted once, so the value is exact to the microsecond.
     */
    public Map<FinishedKey, Double> expectedRunningSeconds() {
        Map<FinishedKey, Long> micros = new LinkedHashMap<>();
        for (RunPlan plan : runs) {
            plan.firstTerminal()
                    .ifPresent(t -> micros.merge(finishedKey(plan, t), plan.totalRunTimeMicros(), Long::sum));
        }
        Map<FinishedKey, Double> seconds = new LinkedHashMap<>();
        micros.forEach((k, v) -> seconds.put(k, PrefectTime.seconds(v)));
        return Collections.unmodifiableMap(seconds);
    }

    /** The occurred time of the last event. */
    public Instant end() {
        return PrefectTime.parse(events.get(events.size() - 1).get("occurred").textValue());
    }

    private static FinishedKey finishedKey(RunPlan plan, RunPlan.Step terminal) {
        return new FinishedKey(plan.flow(), plan.deployment(), plan.workPool(), terminal.stateType());
    }
}
