package dev.flowpulse.streams.window;

import static dev.flowpulse.streams.SampleEvents.derive;
import static dev.flowpulse.streams.SampleEvents.eventId;
import static dev.flowpulse.streams.SampleEvents.parsed;
import static dev.flowpulse.streams.SampleEvents.sample;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.contract.FlowRunEvent;
import dev.flowpulse.contract.JsonSerde;
import dev.flowpulse.contract.WindowKey;
import dev.flowpulse.contract.WindowStats;
import dev.flowpulse.streams.SampleEvents;
import dev.flowpulse.streams.StreamsCounters;
import dev.flowpulse.streams.TopologySettings;
import dev.flowpulse.streams.serde.InternalSerdes;
import dev.flowpulse.testkit.LogCapture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link WindowAggregator}'s bounded punctuation with a bound of a few windows instead of 10,000:
 * whatever the bound, every window is finalized once, a hopping window only once every slice it
 * covers is closed (its final result is then the sum of its slices' final results), and what the
 * bound leaves is closed by the next punctuations.
 *
 * <p>Windows: tumbling 1 m and 2 m, hopping 3 m advancing by 1 m (slices: the 1 m windows), grace
 * 10 min; every state change counts in its three groups (flow, deployment, work pool).
 */
class WindowPunctuationBoundTest {

    private static final String INPUT = "window-contributions";
    private static final String OUTPUT = "window-outputs";
    private static final String SEED = "seed";
    private static final Instant NOON = Instant.parse("2026-05-04T12:00:00Z");
    /** At the events' hour, as in live delivery (a replayed window gets no updates, only its final result). */
    private static final Instant WALL_CLOCK = NOON;

    private static final Duration PUBLISH = TopologySettings.DEFAULT_WINDOW_UPDATE_INTERVAL;
    private static final TopologySettings SETTINGS = new TopologySettings(
            List.of(Duration.ofMinutes(1), Duration.ofMinutes(2)),
            Duration.ofMinutes(3),
            Duration.ofMinutes(1),
            Duration.ofMinutes(10),
            TopologySettings.DEFAULT_TAG_PREFIXES,
            PUBLISH,
            TopologySettings.DEFAULT_RUN_STATE_RETENTION,
            TopologySettings.DEFAULT_MAX_STATES_PER_RUN,
            TopologySettings.DEFAULT_FINISH_SETTLE_TIMEOUT,
            TopologySettings.DEFAULT_STUCK_AFTER,
            Map.of(),
            TopologySettings.DEFAULT_TIMER_INTERVAL);
    /** Store-key text of the sample's flow group, and a slice holding one Scheduled state: for seeds. */
    private static final String FLOW_GROUP = WindowAggregator.groupText(
            new WindowGroup(SampleEvents.WORKSPACE, WindowKey.FLOW, Map.of(WindowKey.FLOW, "etl-orders")));

    private static final WindowStats ONE_SCHEDULED =
            WindowStats.empty().plusState(dev.flowpulse.contract.StateType.SCHEDULED, "Scheduled", false);
    /** Enough for the smallest bound to close everything due (about one end and one hopping window each). */
    private static final int PUNCTUATIONS = 45;

    @TempDir
    Path stateDir;

    private int eventIds;

    @Test
    void shouldFinalizeAHoppingWindowOnceAndOnlyAfterItsSlicesWhenTheBoundStopsTheClose() {
        //  12:00    12:01    12:02    12:03          12:09    12:10 ........ 12:20
        //    |-- S 12:00:30   |-- S 12:02:30  ...      |-- S 12:09:30          |-- S 12:20:00
        //             |-- S 12:01:30                                              (pipeline time 12:20,
        //                                                                          closes ends by 12:10)
        //  Due: 1 m windows ending 12:01..12:10 and 2 m ending 12:02..12:10, x 3 groups = 45 windows.
        //  Bound 4: the first punctuation closes the three ending 12:01 only (the 2 m ones ending 12:02
        //  come next, and an end is never split); the hopping windows ending 12:02, 12:03 and 12:04
        //  cover slices still open, so they wait, however many hopping marks are due by the threshold.
        try (Driver driver = new Driver(4)) {
            for (int minute = 0; minute < 10; minute++) {
                driver.pipeState(NOON.plusSeconds(60L * minute + 30));
            }
            driver.pipeState(NOON.plusSeconds(20 * 60));

            driver.punctuate(1);
            List<WindowKey> first = driver.finalKeys();
            assertThat(first)
                    .hasSize(6)
                    .allSatisfy(k -> assertThat(k.windowEnd()).isEqualTo(NOON.plusSeconds(60)));
            assertThat(first).filteredOn(k -> k.windowSizeSeconds() == 180).hasSize(3);

            driver.punctuate(PUNCTUATIONS);
            Map<WindowKey, WindowStats> finals = driver.finals();
            assertThat(finals).containsKeys(first.toArray(WindowKey[]::new));
            Map<String, String> flow = Map.of(WindowKey.FLOW, "etl-orders");
            List<Long> hoppingCounts = new ArrayList<>();
            for (int end = 1; end <= 10; end++) {
                WindowKey k = key(flow, end, 3);
                hoppingCounts.add(finals.containsKey(k) ? scheduled(finals.get(k)) : -1L);
            }
            // [11:58, 12:01) holds one state, [11:59, 12:02) two, every later one three.
            assertThat(hoppingCounts).containsExactly(1L, 2L, 3L, 3L, 3L, 3L, 3L, 3L, 3L, 3L);
            assertHoppingWindowsAreTheSumOfTheirSlices(finals);
        }
    }

    @Test
    void shouldNotQueryAnEmptyKeyRangeWhenPipelineTimeStandsStillOrStepsBack() {
        //  12:00 S ── punctuation (pipeline time 12:00:01, close mark 11:50:01)
        //  12:00 S ── pipeline time back to 12:00 ── punctuation (12:00:01 again: nothing new to close)
        //  12:20 S ── punctuations: the 1 m window [12:00, 12:01) is final with both states
        //  Before the fix the second punctuation asked the store for the range (mark + 1, threshold],
        //  empty and reversed, and Kafka Streams logged a WARN for it ("invalid key range") on
        //  every such punctuation.
        Map<WindowKey, WindowStats> finals;
        String logged;
        try (LogCapture logs = new LogCapture();
                Driver driver = new Driver(WindowAggregator.MAX_PER_PUNCTUATION)) {
            driver.pipeState(NOON);
            driver.punctuate(1);
            driver.pipeState(NOON);
            driver.punctuate(3);
            driver.pipeState(NOON.plusSeconds(20 * 60));
            driver.punctuate(3);
            finals = driver.finals();
            logged = logs.text();
        }
        assertThat(logged).doesNotContain("invalid key range");
        assertThat(scheduled(finals.get(key(Map.of(WindowKey.FLOW, "etl-orders"), 1, 1))))
                .isEqualTo(2L);
    }

    @ParameterizedTest(name = "bound {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 10, 10_000})
    void shouldCountEveryContributionOnceInAFinalResultOrAsLateWhateverTheBound(int bound) {
        //  The timeline above; between the punctuations a straggler each time, 12:00:40, 12:01:20,
        //  ... 12:08:00 (40 s apart), which lands at the edge of what the punctuations are closing:
        //  it counts in its window's one final result when that window is still open, else it is late
        //  (never a second final result of a window closed and created again).
        try (Driver driver = new Driver(bound)) {
            for (int minute = 0; minute < 10; minute++) {
                driver.pipeState(NOON.plusSeconds(60L * minute + 30));
            }
            driver.pipeState(NOON.plusSeconds(20 * 60));
            int stragglers = 12;
            for (int i = 0; i < stragglers; i++) {
                driver.punctuate(1);
                driver.pipeState(NOON.plusSeconds(40 + 40L * i));
            }
            driver.punctuate(PUNCTUATIONS);

            Map<WindowKey, WindowStats> finals = driver.finals();
            List<WindowOutput> outputs = driver.outputs();
            long contributions = 3L * (10 + stragglers); // three groups each, all before 12:10
            for (long size : List.of(60L, 120L)) {
                long counted = finals.entrySet().stream()
                        .filter(e -> e.getKey().windowSizeSeconds() == size)
                        .mapToLong(e -> scheduled(e.getValue()))
                        .sum();
                long late = outputs.stream()
                        .filter(out -> out.is(WindowOutput.Kind.LATE))
                        .filter(out -> out.late().window().windowSizeSeconds() == size)
                        .count();
                assertThat(counted + late).as("size %d s", size).isEqualTo(contributions);
            }
            assertThat(finals.keySet().stream().filter(k -> k.windowSizeSeconds() == 180))
                    .as("hopping windows ending 12:01..12:10, three groups")
                    .hasSize(30);
            assertHoppingWindowsAreTheSumOfTheirSlices(finals);
        }
    }

    @Test
    void shouldKeepAClosedSliceUnderItsWindowKeyUntilItsLastHoppingWindowCloses() {
        //  The first timeline, every bound: pipeline time 12:20 closes every end by 12:10, and with
        //  it every hopping window ending by 12:10. A slice is needed until the hopping window it
        //  starts has closed: the slices ending 12:09 and 12:10 stay (the hopping windows ending
        //  12:11 and 12:12 cover slices still open), the earlier ones are gone. Nothing else is
        //  stored but the open windows of the state at 12:20.
        try (Driver driver = new Driver(10_000)) {
            for (int minute = 0; minute < 10; minute++) {
                driver.pipeState(NOON.plusSeconds(60L * minute + 30));
            }
            driver.pipeState(NOON.plusSeconds(20 * 60));
            driver.punctuate(3);

            assertThat(driver.finalKeys())
                    .filteredOn(k -> k.windowSizeSeconds() == 180)
                    .hasSize(30);
            Map<String, Long> stored = new java.util.TreeMap<>();
            for (String key : driver.storedWindowKeys()) {
                String[] parts = key.split("\\|", 4);
                String end = Instant.ofEpochMilli(Long.parseLong(parts[1])).toString();
                stored.merge(parts[0] + " " + end + " " + parts[2] + "s", 1L, Long::sum);
            }
            assertThat(stored)
                    .containsExactly(
                            Map.entry("o 2026-05-04T12:09:00Z 60s", 3L),
                            Map.entry("o 2026-05-04T12:10:00Z 60s", 3L),
                            Map.entry("o 2026-05-04T12:21:00Z 60s", 3L),
                            Map.entry("o 2026-05-04T12:22:00Z 120s", 3L));
        }
    }

    @Test
    void shouldFinalizeTheHoppingWindowsLeftInAnEarlierVersionsLayoutOnce() {
        //  An earlier version kept closed slices under k| keys and marked each hopping window due
        //  with an h| key until it was finalized. Its store, closed through 12:05:
        //    k| slices ending 12:03, 12:04, 12:05 (one state each), o| open slice ending 12:06 (one);
        //    h| marks 12:04 .. 12:07 (the hopping window ending 12:03 was finalized already).
        //  A state at 12:30 closes everything: hopping windows 12:04 .. 12:08 are finalized once
        //  each, 12:03 not again; the old keys are gone.
        String group = FLOW_GROUP;
        WindowStats one = ONE_SCHEDULED;
        try (Driver driver = new Driver(10_000, (windows, due) -> {
            due.put(
                    WindowAggregator.CLOCK_KEY,
                    Long.toString(NOON.plusSeconds(15 * 60).toEpochMilli()));
            due.put(
                    WindowAggregator.CLOSED_KEY,
                    Long.toString(NOON.plusSeconds(5 * 60).toEpochMilli()));
            for (int end = 3; end <= 5; end++) {
                windows.put(WindowAggregator.prefix("k", minute(end)) + group, one);
            }
            windows.put(WindowAggregator.openKey(minute(6), 60_000, group), one);
            for (int end = 4; end <= 7; end++) {
                windows.put(WindowAggregator.prefix("h", minute(end)) + group, WindowStats.empty());
            }
        })) {
            driver.pipeState(NOON.plusSeconds(30 * 60));
            driver.punctuate(3);

            Map<Integer, Long> hopping = new java.util.TreeMap<>();
            driver.finals().forEach((k, stats) -> {
                if (k.windowSizeSeconds() == 180 && k.dimension().equals(WindowKey.FLOW)) {
                    hopping.put(k.windowEnd().atZone(java.time.ZoneOffset.UTC).getMinute(), scheduled(stats));
                }
            });
            assertThat(hopping)
                    .containsExactly(
                            Map.entry(4, 2L), Map.entry(5, 3L), Map.entry(6, 3L), Map.entry(7, 2L), Map.entry(8, 1L));
            assertThat(driver.storedWindowKeys())
                    .allSatisfy(key -> assertThat(key).startsWith("o|"));
        }
    }

    @Test
    void shouldSumTheSlicesAnEarlierInstanceStoredIntoAHoppingUpdate() {
        //  After a restart a hopping sum includes the slices an earlier instance stored (an
        //  in-memory index of slices would have to be read back for this). The store holds open slices ending 12:05 and
        // 12:06 (one state each,
        //  written before this instance started); a state at 12:06:30 opens the slice ending
        //  12:07. The update of the 3-minute window ending 12:07 is the sum of all three.
        String group = FLOW_GROUP;
        WindowStats one = ONE_SCHEDULED;
        try (Driver driver = new Driver(10_000, (windows, due) -> {
            due.put(
                    WindowAggregator.CLOCK_KEY,
                    Long.toString(NOON.plusSeconds(6 * 60).toEpochMilli()));
            windows.put(WindowAggregator.openKey(minute(5), 60_000, group), one);
            windows.put(WindowAggregator.openKey(minute(6), 60_000, group), one);
        })) {
            driver.pipeState(NOON.plusSeconds(6 * 60 + 30));
            driver.punctuate(3);

            Map<Integer, Long> hopping = new java.util.TreeMap<>();
            driver.outputs().stream()
                    .filter(out -> out.is(WindowOutput.Kind.UPDATE))
                    .filter(out -> out.key().windowSizeSeconds() == 180)
                    .filter(out -> out.key().dimension().equals(WindowKey.FLOW))
                    .forEach(out -> hopping.put(
                            out.key()
                                    .windowEnd()
                                    .atZone(java.time.ZoneOffset.UTC)
                                    .getMinute(),
                            scheduled(out.stats())));
            assertThat(hopping).containsExactly(Map.entry(5, 1L), Map.entry(6, 2L), Map.entry(7, 3L));
        }
    }

    private static long minute(int minute) {
        return NOON.plusSeconds(60L * minute).toEpochMilli();
    }

    private static void assertHoppingWindowsAreTheSumOfTheirSlices(Map<WindowKey, WindowStats> finals) {
        finals.forEach((k, stats) -> {
            if (k.windowSizeSeconds() != 180) {
                return;
            }
            long slices = 0;
            for (int i = 0; i < 3; i++) {
                Instant sliceStart = k.windowStart().plusSeconds(60L * i);
                WindowKey slice = new WindowKey(
                        k.workspace(), k.dimension(), k.group(), sliceStart, sliceStart.plusSeconds(60), 60, 60);
                slices += finals.containsKey(slice) ? scheduled(finals.get(slice)) : 0;
            }
            assertThat(scheduled(stats)).as("%s", k).isEqualTo(slices);
        });
    }

    private static long scheduled(WindowStats stats) {
        return stats.stateCounts().getOrDefault("SCHEDULED", 0L);
    }

    private static WindowKey key(Map<String, String> group, int endMinute, int sizeMinutes) {
        Instant end = NOON.plusSeconds(60L * endMinute);
        return new WindowKey(
                SampleEvents.WORKSPACE,
                WindowKey.FLOW,
                group,
                end.minusSeconds(60L * sizeMinutes),
                end,
                60L * sizeMinutes,
                60);
    }

    /** Writes a seed into the window processor's two stores on its one record. */
    private static final class SeedProcessor
            implements org.apache.kafka.streams.processor.api.Processor<String, String, Void, Void> {
        private final String store;
        private final String due;
        private final java.util.function.BiConsumer<
                        org.apache.kafka.streams.state.KeyValueStore<String, WindowStats>,
                        org.apache.kafka.streams.state.KeyValueStore<String, String>>
                seed;
        private org.apache.kafka.streams.processor.api.ProcessorContext<Void, Void> context;

        SeedProcessor(
                String store,
                String due,
                java.util.function.BiConsumer<
                                org.apache.kafka.streams.state.KeyValueStore<String, WindowStats>,
                                org.apache.kafka.streams.state.KeyValueStore<String, String>>
                        seed) {
            this.store = store;
            this.due = due;
            this.seed = seed;
        }

        @Override
        public void init(org.apache.kafka.streams.processor.api.ProcessorContext<Void, Void> context) {
            this.context = context;
        }

        @Override
        public void process(org.apache.kafka.streams.processor.api.Record<String, String> record) {
            seed.accept(context.getStateStore(store), context.getStateStore(due));
        }
    }

    /** The window processor alone, with its two stores as the topology builds them, and a bound. */
    private final class Driver implements AutoCloseable {
        private final TopologyTestDriver driver;
        private final TestInputTopic<WindowGroup, WindowContribution> input;
        private final List<WindowOutput> outputs = new ArrayList<>();

        Driver(int bound) {
            this(bound, null);
        }

        /**
         * With a seed: written into the two stores by a processor of the same task, before the first
         * contribution (and before the window processor reads its state back).
         */
        Driver(
                int bound,
                java.util.function.BiConsumer<
                                org.apache.kafka.streams.state.KeyValueStore<String, WindowStats>,
                                org.apache.kafka.streams.state.KeyValueStore<String, String>>
                        seed) {
            String store = "window-aggregates";
            String due = "window-updates-due";
            StreamsCounters counters = new StreamsCounters(new SimpleMeterRegistry());
            Topology topology = new Topology()
                    .addSource(
                            "read-contributions",
                            InternalSerdes.WINDOW_GROUP,
                            InternalSerdes.WINDOW_CONTRIBUTION,
                            INPUT)
                    .addProcessor(
                            "aggregate-windows",
                            () -> new WindowAggregator(store, due, SETTINGS, counters, bound),
                            "read-contributions")
                    .addSource("read-seed", new StringDeserializer(), new StringDeserializer(), SEED)
                    .addProcessor("seed-stores", () -> new SeedProcessor(store, due, seed), "read-seed")
                    .addStateStore(
                            Stores.keyValueStoreBuilder(
                                            Stores.persistentKeyValueStore(store),
                                            Serdes.String(),
                                            InternalSerdes.WINDOW_STATS)
                                    .withCachingEnabled(),
                            "aggregate-windows",
                            "seed-stores")
                    .addStateStore(
                            Stores.keyValueStoreBuilder(
                                            Stores.persistentKeyValueStore(due), Serdes.String(), Serdes.String())
                                    .withCachingEnabled(),
                            "aggregate-windows",
                            "seed-stores")
                    .addSink(
                            "write-outputs",
                            OUTPUT,
                            new StringSerializer(),
                            JsonSerde.of(WindowOutput.class),
                            "aggregate-windows");
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "window-punctuation-bound-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
            props.put(
                    StreamsConfig.STATE_DIR_CONFIG,
                    stateDir.resolve("bound-" + bound).toString());
            props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            driver = new TopologyTestDriver(topology, props, WALL_CLOCK);
            input = driver.createInputTopic(INPUT, InternalSerdes.WINDOW_GROUP, InternalSerdes.WINDOW_CONTRIBUTION);
            if (seed != null) {
                driver.createInputTopic(SEED, new StringSerializer(), new StringSerializer())
                        .pipeInput("seed", "seed", WALL_CLOCK);
            }
        }

        /** Every key of the window store, in order. */
        List<String> storedWindowKeys() {
            List<String> keys = new ArrayList<>();
            try (var it = driver.<String, WindowStats>getKeyValueStore("window-aggregates")
                    .all()) {
                it.forEachRemaining(entry -> keys.add(entry.key));
            }
            return keys;
        }

        /** A Scheduled state of a new run at {@code occurred}, in each of its groups. */
        void pipeState(Instant occurred) {
            eventIds++;
            FlowRunEvent event = parsed(derive(
                    sample("Scheduled"),
                    String.format("019df300-bbbb-7000-8000-%012d", eventIds),
                    eventId(eventIds),
                    occurred));
            WindowContribution contribution = WindowContribution.ofState(event);
            for (WindowGroup group : WindowGroup.of(event, TopologySettings.DEFAULT_TAG_PREFIXES)) {
                input.pipeInput(group, contribution, occurred);
            }
        }

        void punctuate(int times) {
            for (int i = 0; i < times; i++) {
                driver.advanceWallClockTime(PUBLISH);
            }
        }

        /** Everything forwarded so far, in order. */
        List<WindowOutput> outputs() {
            outputs.addAll(driver.createOutputTopic(OUTPUT, new StringDeserializer(), JsonSerde.of(WindowOutput.class))
                    .readValuesToList());
            return List.copyOf(outputs);
        }

        /** The final results forwarded since the last call, in order. */
        List<WindowKey> finalKeys() {
            int from = outputs.size();
            return outputs().subList(from, outputs.size()).stream()
                    .filter(out -> out.is(WindowOutput.Kind.FINAL))
                    .map(WindowOutput::key)
                    .toList();
        }

        /** Every final result so far by key, each published once. */
        Map<WindowKey, WindowStats> finals() {
            Map<WindowKey, WindowStats> finals = new HashMap<>();
            List<WindowKey> keys = new ArrayList<>();
            for (WindowOutput out : outputs()) {
                if (out.is(WindowOutput.Kind.FINAL)) {
                    keys.add(out.key());
                    finals.put(out.key(), out.stats());
                }
            }
            assertThat(keys).doesNotHaveDuplicates();
            return finals;
        }

        @Override
        public void close() {
            driver.close();
        }
    }
}
