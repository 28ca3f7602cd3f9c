package dev.flowpulse.streams;

import static dev.flowpulse.streams.SampleEvents.WORKSPACE;
import static dev.flowpulse.streams.SampleEvents.at;
import static dev.flowpulse.streams.SampleEvents.crimsonFoxLifecycle;
import static dev.flowpulse.streams.SampleEvents.derive;
import static dev.flowpulse.streams.SampleEvents.eventId;
import static dev.flowpulse.streams.SampleEvents.retriedRun;
import static dev.flowpulse.streams.SampleEvents.sample;
import static dev.flowpulse.streams.SampleEvents.tagged;
import static dev.flowpulse.streams.SampleEvents.without;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.LateRecord;
import dev.flowpulse.contract.StateType;
import dev.flowpulse.contract.WindowKey;
import dev.flowpulse.contract.WindowStats;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event-time windows (1m, 5m, 1h tumbling; 15m hopping by 1m) per flow, deployment, work pool and
 * team tag: updates, final results once closed, grace, late records, replays.
 */
class WindowStatsTopologyTest {

    private static final Map<String, String> FLOW = Map.of("flow", "etl-orders");
    private static final Map<String, String> DEPLOYMENT =
            Map.of("flow", "etl-orders", "deployment", "hourly-sync", "work_pool", "k8s-prod");
    private static final Map<String, String> POOL = Map.of("work_pool", "k8s-prod");
    private static final Map<String, String> TEAM = Map.of("tag", "team:data");
    private static final Duration PUBLISH = TopologySettings.DEFAULT_WINDOW_UPDATE_INTERVAL;

    @TempDir
    Path stateDir;

    private TopologyHarness harness;

    @BeforeEach
    void start() {
        harness = new TopologyHarness(stateDir);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    static WindowKey key(String dimension, Map<String, String> group, String start, long sizeSeconds) {
        return key(dimension, group, start, sizeSeconds, sizeSeconds);
    }

    static WindowKey key(String dimension, Map<String, String> group, String start, long sizeSeconds, long advance) {
        Instant from = Instant.parse(start);
        return new WindowKey(WORKSPACE, dimension, group, from, from.plusSeconds(sizeSeconds), sizeSeconds, advance);
    }

    /** Scheduled at 09:01 of another run of etl-orders, without a deployment and without the team tag. */
    private static ObjectNode scheduledWithoutDeployment() {
        return derive(
                without(sample("Scheduled"), "deployment"),
                "019df300-bbbb-7000-8000-000000000003",
                eventId(31),
                Instant.parse("2026-05-04T09:01:00Z"));
    }

    private static List<ObjectNode> teamFox() {
        return crimsonFoxLifecycle().stream().map(e -> tagged(e, "team:data")).toList();
    }

    /**
     * The same run delivered four weeks after it happened (a replay of history): its windows ended
     * more than the grace before the wall clock, so they get no updates, only their final results,
     * once the pipeline's time passes their end plus the grace; the results are those of live delivery.
     */
    @Test
    void shouldPublishOnlyFinalResultsOfWindowsThatEndedMoreThanTheGraceBeforeTheWallClock() {
        harness.close();
        harness = new TopologyHarness(stateDir, TopologySettings.defaults(), TopologyHarness.REPLAY_WALL_CLOCK);
        //  09:00          09:05                                   (wall clock: 2026-06-01)
        //   |-- Scheduled  |-- Pending, Submitting, Running, Completed 09:07:42
        harness.pipeAll(teamFox());
        harness.advanceWallClock(PUBLISH);
        assertThat(harness.windowStats()).as("no update of a replayed window").isEmpty();

        // Idle: pipeline time passes 09:10 + the 2 h grace, every window of the run closes.
        harness.advanceWallClock(TopologySettings.DEFAULT_WINDOW_GRACE.plus(Duration.ofHours(1)));
        Map<WindowKey, WindowStats> finals =
                harness.windowFinals().stream().collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
        WindowStats flowNineFive = finals.get(key("flow", FLOW, "2026-05-04T09:05:00Z", 300));
        assertThat(flowNineFive.stateCounts()).isEqualTo(Map.of("PENDING", 2L, "RUNNING", 1L, "COMPLETED", 1L));
        assertThat(flowNineFive.finishedCounts()).isEqualTo(Map.of("COMPLETED", 1L));
        assertThat(flowNineFive.closed()).isTrue();
        assertThat(finals.get(key("tag", TEAM, "2026-05-04T09:00:00Z", 300)).stateCounts())
                .isEqualTo(Map.of("SCHEDULED", 1L));
        assertThat(finals.get(key("flow", FLOW, "2026-05-04T08:46:00Z", 900, 60))
                        .stateCounts())
                .as("a hopping window too")
                .isEqualTo(Map.of("SCHEDULED", 1L));
        assertThat(harness.windowStats()).as("still no update").isEmpty();
    }

    @Test
    void shouldCountStatesPerFlowDeploymentWorkPoolAndTeamTagInEventTimeWindows() {
        //  09:00                         09:05                                   09:10
        //   |-- Scheduled 09:00:00.12      |-- Pending 09:05:01.48
        //   |-- Scheduled 09:01:00 *       |-- Submitting 09:05:01.61
        //   |                              |-- Running 09:05:09.87
        //   |                              |-- Completed 09:07:42.32
        //  * another run of etl-orders without a deployment and without the team tag
        harness.pipeAll(teamFox());
        harness.pipe(scheduledWithoutDeployment());
        harness.advanceWallClock(PUBLISH);

        Map<WindowKey, WindowStats> stats = harness.windowStats();
        assertThat(stats.get(key("flow", FLOW, "2026-05-04T09:00:00Z", 300)).stateCounts())
                .isEqualTo(Map.of("SCHEDULED", 2L));
        assertThat(stats.get(key("deployment", DEPLOYMENT, "2026-05-04T09:00:00Z", 300))
                        .stateCounts())
                .isEqualTo(Map.of("SCHEDULED", 1L));
        assertThat(stats.get(key("work_pool", POOL, "2026-05-04T09:00:00Z", 300))
                        .stateCounts())
                .isEqualTo(Map.of("SCHEDULED", 2L));
        assertThat(stats.get(key("tag", TEAM, "2026-05-04T09:00:00Z", 300)).stateCounts())
                .isEqualTo(Map.of("SCHEDULED", 1L));
        assertThat(stats.keySet())
                .noneMatch(k -> k.dimension().equals("tag") && !k.group().equals(TEAM)); // etl, prod: no prefix

        WindowStats flowNineFive = stats.get(key("flow", FLOW, "2026-05-04T09:05:00Z", 300));
        assertThat(flowNineFive.stateCounts()).isEqualTo(Map.of("PENDING", 2L, "RUNNING", 1L, "COMPLETED", 1L));
        assertThat(flowNineFive.stateNameCounts())
                .isEqualTo(Map.of("Pending", 1L, "Submitting", 1L, "Running", 1L, "Completed", 1L));
        assertThat(flowNineFive.finishedCounts()).isEqualTo(Map.of("COMPLETED", 1L));
        assertThat(flowNineFive.maxDurationSeconds()).isCloseTo(152.441382, within(1e-6));
        assertThat(flowNineFive.minDurationSeconds()).isCloseTo(152.441382, within(1e-6));
        assertThat(flowNineFive.failureRatio()).isEqualTo(0.0);
        assertThat(flowNineFive.closed()).isFalse();
        assertThat(stats.get(key("tag", TEAM, "2026-05-04T09:05:00Z", 300)).finishedTotal())
                .isEqualTo(1);

        // 1 m and 1 h windows of the same events
        assertThat(stats.get(key("flow", FLOW, "2026-05-04T09:05:00Z", 60)).stateCounts())
                .isEqualTo(Map.of("PENDING", 2L, "RUNNING", 1L));
        assertThat(stats.get(key("flow", FLOW, "2026-05-04T09:07:00Z", 60)).finishedTotal())
                .isEqualTo(1);
        assertThat(stats.get(key("flow", FLOW, "2026-05-04T09:00:00Z", 3600)).stateCounts())
                .isEqualTo(Map.of("SCHEDULED", 2L, "PENDING", 2L, "RUNNING", 1L, "COMPLETED", 1L));
    }

    @Test
    void shouldReportNoFailureRatioWhenNothingFinished() {
        harness.pipe(crimsonFoxLifecycle().get(0)); // Scheduled 09:00:00.12 only
        harness.advanceWallClock(PUBLISH);

        WindowStats stats = harness.windowStats().get(key("flow", FLOW, "2026-05-04T09:00:00Z", 300));
        assertThat(stats.finishedTotal()).isZero();
        assertThat(stats.failureRatio()).isNull();
        assertThat(stats.minDurationSeconds()).isNull();
    }

    @Test
    void shouldComputeTheFailureRatioAndCountUnknownDurationsApart() {
        //  13:00                                                  13:05
        //   |-- Failed 13:01 (brave-otter)    |-- Cancelled 13:03 (polite-lemur)
        //   |-- Crashed 13:02 (lively-heron)  |-- Completed 13:04 (crimson-fox)
        // No Running state seen for any of them: finished after the settle time, durations unknown.
        Instant one = Instant.parse("2026-05-04T13:00:00Z");
        harness.pipeAll(List.of(
                at(sample("Failed"), one.plusSeconds(60)),
                at(sample("Crashed"), one.plusSeconds(120)),
                at(sample("Cancelled"), one.plusSeconds(180)),
                at(sample("Completed"), one.plusSeconds(240))));
        harness.advanceWallClock(TopologySettings.DEFAULT_FINISH_SETTLE_TIMEOUT);
        harness.advanceWallClock(PUBLISH);

        WindowStats stats = harness.windowStats().get(key("flow", FLOW, "2026-05-04T13:00:00Z", 300));
        assertThat(stats.finishedTotal()).isEqualTo(4);
        assertThat(stats.failedTotal()).isEqualTo(2);
        // (FAILED 1 + CRASHED 1) / finished 4; CANCELLED is a decision, not a failure
        assertThat(stats.failureRatio()).isEqualTo(0.5);
        assertThat(stats.unknownDurationCount()).isEqualTo(4);
        assertThat(stats.durations().count()).isZero();
    }

    @Test
    void shouldComputeTheSlidingFailureRatioFromOneMinuteSlices() {
        //  12:50 ........ 13:00   13:01:xx Failed   13:04:xx Completed (crimson-fox, complete lifecycle moved)
        //  15 m hopping windows ending at 13:02 see the failure only; those ending 13:05..13:16 see both.
        Instant failedAt = Instant.parse("2026-05-04T13:01:10Z");
        String run = "019df300-dddd-7000-8000-000000000001";
        harness.pipe(derive(sample("Running"), run, eventId(1), failedAt.minusSeconds(5)));
        harness.pipe(SampleEvents.following(
                derive(sample("Failed"), run, eventId(2), failedAt),
                derive(sample("Running"), run, eventId(1), failedAt.minusSeconds(5))));
        List<ObjectNode> fox = crimsonFoxLifecycle().stream()
                .map(e -> at(e, SampleEvents.occurred(e).plus(Duration.ofMinutes(237))))
                .toList(); // Completed at 13:04:42
        harness.pipeAll(fox);
        harness.advanceWallClock(PUBLISH);

        Map<WindowKey, WindowStats> updates = harness.windowStats();
        assertThat(updates.get(key("flow", FLOW, "2026-05-04T12:47:00Z", 900, 60))
                        .failureRatio())
                .isEqualTo(1.0);
        assertThat(updates.get(key("flow", FLOW, "2026-05-04T12:50:00Z", 900, 60))
                        .failureRatio())
                .isEqualTo(0.5);

        harness.advanceWallClock(TopologySettings.DEFAULT_WINDOW_GRACE.plus(Duration.ofMinutes(20)));
        Map<WindowKey, WindowStats> finals = toMap(harness.windowFinals());
        List<Double> hopping = new ArrayList<>();
        for (int end = 2; end <= 19; end++) {
            WindowKey k = key(
                    "flow",
                    FLOW,
                    Instant.parse("2026-05-04T12:47:00Z")
                            .plusSeconds(60L * (end - 2))
                            .toString(),
                    900,
                    60);
            hopping.add(finals.containsKey(k) ? finals.get(k).failureRatio() : Double.NaN);
        }
        // ends 13:02, 13:03, 13:04: failure only; 13:05 .. 13:16: both; 13:17..13:19: completed only
        assertThat(hopping.subList(0, 3)).containsOnly(1.0);
        assertThat(hopping.subList(3, 15)).containsOnly(0.5);
        assertThat(hopping.subList(15, 17)).containsOnly(0.0);
    }

    @Test
    void shouldPublishAnUpdateOnlyForWindowsChangedSinceTheLastPublication() {
        //  09:00..09:07:42 crimson-fox (team:data); then, after one publication, a Scheduled at 09:01
        //  of another run of the same flow without deployment and without the team tag
        harness.pipeAll(teamFox());
        harness.advanceWallClock(PUBLISH);
        assertThat(harness.windowStats()).containsKey(key("tag", TEAM, "2026-05-04T09:00:00Z", 300));

        harness.advanceWallClock(PUBLISH);
        assertThat(harness.windowStats())
                .as("nothing changed: nothing published")
                .isEmpty();

        harness.pipe(scheduledWithoutDeployment());
        harness.advanceWallClock(PUBLISH);
        Map<WindowKey, WindowStats> updates = harness.windowStats();
        assertThat(updates.keySet())
                .extracting(WindowKey::dimension)
                .as("only the flow's and the pool's windows changed")
                .containsOnly("flow", "work_pool");
        assertThat(updates.get(key("flow", FLOW, "2026-05-04T09:00:00Z", 300)).stateCounts())
                .isEqualTo(Map.of("SCHEDULED", 2L));
        assertThat(updates).doesNotContainKey(key("flow", FLOW, "2026-05-04T09:05:00Z", 300));
    }

    @Test
    void shouldPublishEachFinalResultOnceWhenItsWindowCloses() {
        //  events 09:00..09:07:42; grace 2 h: the 09:05 5-minute window closes at pipeline time 11:10.
        harness.pipeAll(crimsonFoxLifecycle());
        harness.advanceWallClock(PUBLISH);
        assertThat(harness.windowFinals()).isEmpty();

        harness.advanceWallClock(TopologySettings.DEFAULT_WINDOW_GRACE.plus(Duration.ofHours(1)));
        harness.advanceWallClock(PUBLISH);

        List<KeyValue<WindowKey, WindowStats>> finals = harness.windowFinals();
        assertThat(finals).extracting(kv -> kv.key).doesNotHaveDuplicates();
        assertThat(finals).allSatisfy(kv -> assertThat(kv.value.closed()).isTrue());
        WindowStats nineFive = toMap(finals).get(key("flow", FLOW, "2026-05-04T09:05:00Z", 300));
        assertThat(nineFive.stateCounts()).isEqualTo(Map.of("PENDING", 2L, "RUNNING", 1L, "COMPLETED", 1L));
        assertThat(nineFive.finishedCounts()).isEqualTo(Map.of("COMPLETED", 1L));
    }

    @Test
    void shouldGiveABacklogReplayedBehindLiveEventsTheSameFinalResultsAsLiveDelivery() {
        // Live: crimson-fox 09:00..09:07 then a run at 10:55, in order.
        // Replay (first start with a 2-hour lookback): the 10:55 run arrives first, then the old events in one burst.
        ObjectNode live = derive(
                sample("Running"),
                "019df300-eeee-7000-8000-000000000001",
                eventId(1),
                Instant.parse("2026-05-04T10:55:00Z"));
        List<ObjectNode> inOrder = new ArrayList<>(crimsonFoxLifecycle());
        inOrder.add(live);
        List<ObjectNode> replayed = new ArrayList<>();
        replayed.add(live);
        replayed.addAll(crimsonFoxLifecycle());

        Map<WindowKey, WindowStats> liveFinals = finalsOf(inOrder, stateDir.resolve("live"));
        Map<WindowKey, WindowStats> replayFinals = finalsOf(replayed, stateDir.resolve("replay"));

        assertThat(replayFinals).isEqualTo(liveFinals);
        assertThat(replayFinals).containsKey(key("flow", FLOW, "2026-05-04T09:00:00Z", 60));
    }

    private Map<WindowKey, WindowStats> finalsOf(List<ObjectNode> events, Path dir) {
        try (TopologyHarness h = new TopologyHarness(dir)) {
            for (ObjectNode event : events) {
                h.pipe(event);
                h.advanceWallClock(PUBLISH); // windows close between records, as they would live
            }
            h.advanceWallClock(TopologySettings.DEFAULT_WINDOW_GRACE.plus(Duration.ofHours(2)));
            h.advanceWallClock(PUBLISH);
            assertThat(h.lateRecords()).isEmpty();
            return toMap(h.windowFinals());
        }
    }

    @Test
    void shouldSendRecordsForClosedWindowsToTheLateTopicAndCountThem() {
        // grace 10 min. 12:00:00 Running (run A); pipeline time 12:00:01 closes windows ending by 11:50:01.
        //  11:40 Scheduled (run B) arrives: its 1m (ends 11:41) and 5m (11:45) windows are closed -> late;
        //  its 1h window [11:00, 12:00) is still open -> counted.
        harness.close();
        harness = new TopologyHarness(stateDir, TopologySettings.defaults().withWindowGrace(Duration.ofMinutes(10)));
        harness.pipe(derive(
                sample("Running"),
                "019df300-ffff-7000-8000-000000000001",
                eventId(1),
                Instant.parse("2026-05-04T12:00:00Z")));
        harness.advanceWallClock(PUBLISH);

        harness.pipe(derive(
                sample("Scheduled"),
                "019df300-ffff-7000-8000-000000000002",
                eventId(2),
                Instant.parse("2026-05-04T11:40:00Z")));
        harness.advanceWallClock(PUBLISH);

        List<LateRecord> late = harness.lateRecords();
        // flow, deployment, work pool groups x (1m, 5m)
        assertThat(late).hasSize(6);
        assertThat(late).allSatisfy(r -> {
            assertThat(r.reason()).isEqualTo(LateRecord.WINDOW_CLOSED);
            assertThat(r.output()).isEqualTo(LateRecord.WINDOW_STATS);
            assertThat(r.flowRunId()).isEqualTo("019df300-ffff-7000-8000-000000000002");
            assertThat(r.stateType()).isEqualTo(StateType.SCHEDULED);
        });
        assertThat(late.stream().map(r -> r.window().windowSizeSeconds()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(60L, 300L);
        assertThat(harness.windowStats()
                        .get(key("flow", FLOW, "2026-05-04T11:00:00Z", 3600))
                        .stateCounts())
                .isEqualTo(Map.of("SCHEDULED", 1L));
        assertThat(harness.registry.scrape())
                .contains("flowpulse_streams_late_records_total{output=\"window-stats\",window=\"PT1M\"} 3.0");
    }

    @Test
    void shouldPutAnEventAtAWindowsEndIntoTheNextWindow() {
        //  09:04:59.999 Scheduled | 09:05:00.000 Pending   ([start, end): the end belongs to the next window)
        String run = "019df300-bbbb-7000-8000-00000000000a";
        harness.pipe(derive(sample("Scheduled"), run, eventId(1), Instant.parse("2026-05-04T09:04:59.999Z")));
        harness.pipe(derive(sample("Pending"), run, eventId(2), Instant.parse("2026-05-04T09:05:00Z")));
        harness.advanceWallClock(PUBLISH);

        Map<WindowKey, WindowStats> stats = harness.windowStats();
        assertThat(stats.get(key("flow", FLOW, "2026-05-04T09:00:00Z", 300)).stateCounts())
                .isEqualTo(Map.of("SCHEDULED", 1L));
        assertThat(stats.get(key("flow", FLOW, "2026-05-04T09:05:00Z", 300)).stateCounts())
                .isEqualTo(Map.of("PENDING", 1L));
        assertThat(stats.get(key("flow", FLOW, "2026-05-04T09:04:00Z", 60)).stateCounts())
                .isEqualTo(Map.of("SCHEDULED", 1L));
    }

    @Test
    void shouldCountARedeliveredEventOnceInItsWindows() {
        List<ObjectNode> fox = crimsonFoxLifecycle();
        harness.pipeAll(fox);
        harness.pipeAll(fox); // a reconnect's backfill delivers everything again
        harness.advanceWallClock(PUBLISH);

        assertThat(harness.windowStats()
                        .get(key("flow", FLOW, "2026-05-04T09:05:00Z", 300))
                        .stateCounts())
                .isEqualTo(Map.of("PENDING", 2L, "RUNNING", 1L, "COMPLETED", 1L));
    }

    @Test
    void shouldCountRetries() {
        // Running 14:00:00 (run_count 1), AwaitingRetry 14:00:30, Retrying 14:01:30 (run_count 2), Completed 14:02:15
        harness.pipeAll(retriedRun("019df300-bbbb-7000-8000-000000000009", 1, Instant.parse("2026-05-04T14:00:00Z")));
        harness.advanceWallClock(PUBLISH);

        WindowStats stats = harness.windowStats().get(key("flow", FLOW, "2026-05-04T14:00:00Z", 300));
        assertThat(stats.retries()).isEqualTo(1);
        assertThat(stats.stateNameCounts()).containsEntry("AwaitingRetry", 1L).containsEntry("Retrying", 1L);
    }

    private static Map<WindowKey, WindowStats> toMap(List<KeyValue<WindowKey, WindowStats>> records) {
        Map<WindowKey, WindowStats> map = new java.util.HashMap<>();
        records.forEach(kv -> map.put(kv.key, kv.value));
        return map;
    }
}
