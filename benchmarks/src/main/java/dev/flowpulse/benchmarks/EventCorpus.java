package dev.flowpulse.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.Json;
import dev.flowpulse.simulator.events.EventFactory;
import dev.flowpulse.simulator.events.NamedRef;
import dev.flowpulse.simulator.events.RunIdentity;
import dev.flowpulse.simulator.events.StateSnapshot;
import dev.flowpulse.simulator.wire.PrefectTime;
import dev.flowpulse.simulator.wire.Uuids;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeSet;

/**
 * An endless, deterministic stream of realistic Prefect flow-run state-change events, in
 * {@code occurred} order, as ingest writes them to the raw topic (compact JSON ReceivedEvents).
 *
 * <p>Runs start as a Poisson process ({@code runsPerMinute}) over the {@link WorkspaceCatalogue};
 * each run's states come from {@link RunLifecycles}; the JSON comes from the simulator's
 * {@link EventFactory}, which builds Prefect's {@code flow_run_state_change_event()} field for
 * field. The constructor checks the generated shape against the real Prefect sample
 * {@code flow-run-Completed.json} (copied from testkit's prefect-samples). Memory stays bounded by
 * the runs in flight. Not thread safe.
 */
final class EventCorpus implements Iterator<EventCorpus.Event> {

    /** One raw-topic record: key = flow-run id, timestamp = occurred (epoch ms). */
    record Event(String flowRunId, long occurredMillis, String eventId, byte[] json) {}

    private record Pending(
            Instant occurred,
            long seq,
            RunIdentity run,
            StateSnapshot previous,
            StateSnapshot next,
            int runCount,
            Instant received) {}

    private static final String[] ADJECTIVES = {
        "amber", "brave", "calm", "crimson", "daring", "eager", "fluffy", "gentle", "hasty", "icy", "jolly", "keen",
        "lively", "mellow", "nimble", "olive", "polite", "quiet", "rapid", "silver", "tidy", "umber", "vivid", "witty"
    };
    private static final String[] ANIMALS = {
        "otter", "fox", "heron", "lemur", "gecko", "badger", "crane", "dingo", "ferret", "gibbon", "ibis", "jackal",
        "koala", "lynx", "marten", "newt", "ocelot", "panda", "quokka", "raven", "shrew", "tapir", "urchin", "vole"
    };

    private final WorkspaceCatalogue catalogue;
    private final Random rnd;
    private final double meanGapMicros;
    private final PriorityQueue<Pending> pending =
            new PriorityQueue<>(Comparator.comparing(Pending::occurred).thenComparingLong(Pending::seq));
    private Instant nextRunStart;
    private long seq;
    private long runs;

    EventCorpus(long seed, Instant start, double runsPerMinute) {
        this.catalogue = WorkspaceCatalogue.build(seed);
        this.rnd = new Random(seed);
        this.meanGapMicros = 60_000_000.0 / runsPerMinute;
        this.nextRunStart = PrefectTime.micros(start);
        checkShapeAgainstSample();
    }

    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public Event next() {
        while (pending.isEmpty() || !pending.peek().occurred().isBefore(nextRunStart)) {
            planRun(nextRunStart);
            long gap = (long) (-Math.log(1 - rnd.nextDouble()) * meanGapMicros);
            nextRunStart = nextRunStart.plusNanos(Math.max(1, gap) * 1000);
        }
        Pending p = pending.poll();
        ObjectNode event = EventFactory.stateChange(p.run(), p.previous(), p.next(), p.runCount(), p.received());
        try {
            return new Event(
                    p.run().flowRunId().toString(),
                    p.occurred().toEpochMilli(),
                    p.next().id().toString(),
                    Json.prefect().writeValueAsBytes(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialize a generated event", e);
        }
    }

    /** Flow runs started so far (some of their events may still be ahead). */
    long runsStarted() {
        return runs;
    }

    private void planRun(Instant start) {
        runs++;
        WorkspaceCatalogue.Flow flow = catalogue.flows.get(rnd.nextInt(catalogue.flows.size()));
        boolean adHoc = rnd.nextDouble() < 0.08;
        WorkspaceCatalogue.Deployment deployment = adHoc
                ? null
                : flow.deployments().get(rnd.nextInt(flow.deployments().size()));
        RunLifecycles.Origin origin = RunLifecycles.origin(rnd, deployment != null);
        RunIdentity run = identity(start, flow, deployment, origin);
        StateSnapshot previous = null;
        int runCount = 0;
        long offsetMicros = 0;
        for (RunLifecycles.Step step :
                RunLifecycles.draw(rnd, origin, deployment != null && deployment.pool() != null)) {
            offsetMicros += previous == null ? 0 : Math.max(1_000, (long) (step.gapSeconds() * 1_000_000));
            Instant at = start.plusNanos(offsetMicros * 1000);
            StateSnapshot next = new StateSnapshot(Uuids.v7(at, rnd), step.type(), step.name(), step.message(), at);
            runCount = EventFactory.nextRunCount(runCount, previous == null ? null : previous.type(), next.type());
            Instant received = at.plusNanos((5_000 + rnd.nextInt(15_000)) * 1000L);
            pending.add(new Pending(at, seq++, run, previous, next, runCount, received));
            previous = next;
        }
    }

    private RunIdentity identity(
            Instant start,
            WorkspaceCatalogue.Flow flow,
            WorkspaceCatalogue.Deployment deployment,
            RunLifecycles.Origin origin) {
        TreeSet<String> tags = new TreeSet<>(flow.tags());
        if (deployment != null) {
            tags.addAll(deployment.tags());
        }
        if (origin == RunLifecycles.Origin.SCHEDULER) {
            tags.add("auto-scheduled");
        }
        RunIdentity.Creator creator = null;
        if (origin == RunLifecycles.Origin.AUTOMATION) {
            NamedRef automation = catalogue.automations.get(rnd.nextInt(catalogue.automations.size()));
            creator = new RunIdentity.Creator(RunIdentity.Creator.Kind.AUTOMATION, automation.id(), automation.name());
        } else if (origin == RunLifecycles.Origin.DEPLOYMENT) {
            NamedRef parent = catalogue.flows.get(0).deployments().get(0).ref();
            creator = new RunIdentity.Creator(RunIdentity.Creator.Kind.DEPLOYMENT, parent.id(), parent.name());
        }
        String name = ADJECTIVES[rnd.nextInt(ADJECTIVES.length)] + "-" + ANIMALS[rnd.nextInt(ANIMALS.length)];
        WorkspaceCatalogue.Pool pool = deployment == null ? null : deployment.pool();
        return new RunIdentity(
                Uuids.v7(start.minusMillis(1 + rnd.nextInt(500)), rnd),
                name,
                flow.ref(),
                deployment == null ? null : deployment.ref(),
                deployment == null ? null : deployment.queue(),
                pool == null ? null : pool.ref(),
                pool == null ? null : pool.type(),
                List.copyOf(tags),
                creator);
    }

    /** Fails fast if the factory's events no longer have the fields of Prefect's real sample. */
    private static void checkShapeAgainstSample() {
        JsonNode sample;
        try (InputStream in = EventCorpus.class.getResourceAsStream("/flow-run-Completed.json")) {
            sample = Json.prefect().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the Prefect sample event", e);
        }
        WorkspaceCatalogue.Flow flow = WorkspaceCatalogue.build(1).flows.get(0);
        Instant t = Instant.parse("2026-05-04T09:07:42.315502Z");
        Random r = new Random(1);
        StateSnapshot running = new StateSnapshot(Uuids.v7(t, r), "RUNNING", "Running", "", t.minusSeconds(60));
        StateSnapshot done = new StateSnapshot(Uuids.v7(t, r), "COMPLETED", "Completed", "", t);
        RunIdentity run =
                new RunIdentity(Uuids.v7(t, r), "calm-otter", flow.ref(), null, null, null, null, List.of(), null);
        ObjectNode generated = EventFactory.stateChange(run, running, done, 1, t.plusMillis(16));
        if (!fieldNames(generated).equals(fieldNames(sample))
                || !fieldNames(generated.get("resource")).equals(fieldNames(sample.get("resource")))
                || !fieldNames(generated.get("payload")).equals(fieldNames(sample.get("payload")))) {
            throw new IllegalStateException("Generated events no longer match the shape of Prefect's sample event");
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
