package dev.flowpulse.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowpulse.contract.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.TopologyException;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topology's shape: named stores and repartitions, nothing auto-named, naming enforced. */
class FlowRunTopologyDescriptionTest {

    @TempDir
    Path stateDir;

    private TopologyDescription describe() {
        return new FlowRunTopology(
                        Topics.defaults(),
                        TopologySettings.defaults(),
                        TopologyHarness.properties(stateDir),
                        new StreamsCounters(new SimpleMeterRegistry()))
                .get()
                .describe();
    }

    @Test
    void shouldBuildWithExplicitInternalResourceNamingEnforced() {
        Properties props = TopologyHarness.properties(stateDir);
        assertThat(props.getProperty(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG))
                .isEqualTo("true");

        assertThat(describe().subtopologies()).isNotEmpty();
    }

    @Test
    void shouldRejectAnAutoNamedRepartitionUnderTheSameProperties() {
        // Control: the flag is really in force for topologies built with these properties.
        StreamsBuilder builder =
                new StreamsBuilder(new TopologyConfig(new StreamsConfig(TopologyHarness.properties(stateDir))));
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .groupBy((k, v) -> v, Grouped.with(Serdes.String(), Serdes.String()))
                .count();

        assertThatThrownBy(builder::build).isInstanceOf(TopologyException.class);
    }

    @Test
    void shouldNameEveryStore() {
        Set<String> stores = describe().subtopologies().stream()
                .flatMap(s -> s.nodes().stream())
                .filter(n -> n instanceof TopologyDescription.Processor)
                .flatMap(n -> ((TopologyDescription.Processor) n).stores().stream())
                .collect(Collectors.toSet());

        assertThat(stores)
                .containsExactlyInAnyOrder(
                        FlowRunTopology.FLOW_RUN_STATE_STORE,
                        FlowRunTopology.RUN_TIMERS_STORE,
                        FlowRunTopology.STATE_TOTALS_STORE,
                        FlowRunTopology.FINISHED_TOTALS_STORE,
                        FlowRunTopology.WINDOW_AGGREGATES_STORE,
                        FlowRunTopology.WINDOW_UPDATES_DUE_STORE,
                        FlowRunTopology.COMMIT_HOOKS_STORE);
    }

    @Test
    void shouldBatchBeforeBothRepartitionsOfTheRunTaskOnItsCommitHooks() {
        // The two batchers forward at the run task's commit: they must sit in the run task's
        // sub-topology, beside the run state, and share its one commit-hooks store.
        List<TopologyDescription.Subtopology> withHooks = describe().subtopologies().stream()
                .filter(s -> s.nodes().stream()
                        .anyMatch(n -> n instanceof TopologyDescription.Processor p
                                && p.stores().contains(FlowRunTopology.COMMIT_HOOKS_STORE)))
                .toList();
        assertThat(withHooks).hasSize(1);
        Set<String> hookUsers = withHooks.get(0).nodes().stream()
                .filter(n -> n instanceof TopologyDescription.Processor p
                        && p.stores().contains(FlowRunTopology.COMMIT_HOOKS_STORE))
                .map(TopologyDescription.Node::name)
                .collect(Collectors.toSet());
        assertThat(hookUsers)
                .containsExactlyInAnyOrder(
                        FlowRunTopology.BATCH_STATE_ENTRIES, FlowRunTopology.BATCH_WINDOW_CONTRIBUTIONS);
        assertThat(withHooks.get(0).nodes()).anyMatch(n -> n.name().equals(FlowRunTopology.TRACK_RUNS));
    }

    @Test
    void shouldNameEveryRepartitionTopic() {
        Set<String> repartitions = describe().subtopologies().stream()
                .flatMap(s -> s.nodes().stream())
                .filter(n -> n instanceof TopologyDescription.Sink)
                .map(n -> ((TopologyDescription.Sink) n).topic())
                .filter(topic -> topic.endsWith("-repartition"))
                .collect(Collectors.toSet());

        assertThat(repartitions)
                .containsExactlyInAnyOrder(
                        "state-totals-by-series-repartition",
                        "finished-totals-by-series-repartition",
                        "window-contributions-by-group-repartition");
    }

    @Test
    void shouldNameEveryProcessor() {
        String description = describe().toString();

        assertThat(description).doesNotContain("KSTREAM-").doesNotContain("KTABLE-");
        assertThat(description)
                .contains(
                        FlowRunTopology.PARSE,
                        FlowRunTopology.TRACK_RUNS,
                        FlowRunTopology.FINISH_BRANCH,
                        FlowRunTopology.CURRENT_FINISH_BRANCH,
                        FlowRunTopology.IN_PROGRESS_BRANCH,
                        FlowRunTopology.TRANSITION_BRANCH,
                        FlowRunTopology.AGGREGATE_WINDOWS,
                        FlowRunTopology.WINDOW_UPDATE_BRANCH,
                        FlowRunTopology.WINDOW_FINAL_BRANCH,
                        FlowRunTopology.WINDOW_LATE_BRANCH);
    }

    @Test
    void shouldKeepTheTimerIndexBesideTheRunState() {
        Set<String> stores = describe().subtopologies().stream()
                .flatMap(s -> s.nodes().stream())
                .filter(n -> n.name().equals(FlowRunTopology.TRACK_RUNS))
                .flatMap(n -> ((TopologyDescription.Processor) n).stores().stream())
                .collect(Collectors.toSet());

        assertThat(stores)
                .containsExactlyInAnyOrder(FlowRunTopology.FLOW_RUN_STATE_STORE, FlowRunTopology.RUN_TIMERS_STORE);
    }

    @Test
    void shouldWriteEveryOutputTopic() {
        Set<String> sinks = describe().subtopologies().stream()
                .flatMap(s -> s.nodes().stream())
                .filter(n -> n instanceof TopologyDescription.Sink)
                .map(n -> ((TopologyDescription.Sink) n).topic())
                .filter(topic -> !topic.endsWith("-repartition"))
                .collect(Collectors.toSet());

        Topics topics = Topics.defaults();
        assertThat(sinks)
                .containsExactlyInAnyOrder(
                        topics.deadLetters(),
                        topics.states(),
                        topics.finishedRuns(),
                        topics.stateTotals(),
                        topics.finishedTotals(),
                        topics.windowStats(),
                        topics.windowStatsFinal(),
                        topics.inProgressRuns(),
                        topics.lateRecords());
    }

    @Test
    void shouldHaveFourSubTopologiesWithOneRepartitionForAllWindows() {
        // per run (co-partitioned with the raw topic), state totals, finished totals, windows
        assertThat(describe().subtopologies()).hasSize(4);
    }

    @Test
    void shouldKeepTheWindowStoresBesideTheWindowProcessor() {
        Set<String> stores = describe().subtopologies().stream()
                .flatMap(s -> s.nodes().stream())
                .filter(n -> n.name().equals(FlowRunTopology.AGGREGATE_WINDOWS))
                .flatMap(n -> ((TopologyDescription.Processor) n).stores().stream())
                .collect(Collectors.toSet());

        assertThat(stores)
                .containsExactlyInAnyOrder(
                        FlowRunTopology.WINDOW_AGGREGATES_STORE, FlowRunTopology.WINDOW_UPDATES_DUE_STORE);
    }
}
