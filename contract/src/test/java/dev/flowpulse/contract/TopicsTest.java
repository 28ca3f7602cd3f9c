package dev.flowpulse.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every topic is bounded, and the provisioner can read how from the contract. */
class TopicsTest {

    private final Topics topics = Topics.defaults();

    private Map<String, TopicDescriptor> byName() {
        return topics.descriptors(Duration.ofDays(3)).stream().collect(Collectors.toMap(TopicDescriptor::name, d -> d));
    }

    @Test
    void shouldDescribeEveryTopicOnce() {
        assertThat(byName().keySet()).containsExactlyInAnyOrderElementsOf(topics.all());
        assertThat(topics.all()).hasSize(11).doesNotHaveDuplicates();
    }

    @Test
    void shouldBoundEveryTopicByRetentionOrByCompactionOfLiveKeysWithRolledSegments() {
        for (TopicDescriptor d : byName().values()) {
            String policy = d.configs().get(TopicDescriptor.CLEANUP_POLICY);
            if (policy.contains("delete")) {
                assertThat(d.configs()).as(d.name()).containsKey(TopicDescriptor.RETENTION_MS);
            } else {
                assertThat(policy).as(d.name()).isEqualTo("compact");
                assertThat(d.configs())
                        .as(d.name())
                        .containsKeys(TopicDescriptor.SEGMENT_MS, TopicDescriptor.SEGMENT_BYTES);
            }
        }
    }

    @Test
    void shouldExpireWindowsAndFinishedRunsButKeepTotalsAndInProgressRuns() {
        Map<String, TopicDescriptor> d = byName();

        assertThat(d.get(Topics.WINDOW_STATS).configs())
                .containsEntry(TopicDescriptor.CLEANUP_POLICY, "compact,delete");
        assertThat(d.get(Topics.WINDOW_STATS_FINAL).configs())
                .containsEntry(TopicDescriptor.CLEANUP_POLICY, "compact,delete");
        assertThat(d.get(Topics.FINISHED_RUNS).configs())
                .containsEntry(TopicDescriptor.CLEANUP_POLICY, "compact,delete");
        assertThat(d.get(Topics.STATE_TOTALS).configs()).containsEntry(TopicDescriptor.CLEANUP_POLICY, "compact");
        assertThat(d.get(Topics.IN_PROGRESS_RUNS).configs()).containsEntry(TopicDescriptor.CLEANUP_POLICY, "compact");
        assertThat(d.get(Topics.ALERT_STATE).configs()).containsEntry(TopicDescriptor.CLEANUP_POLICY, "compact");
        assertThat(topics.compacted()).contains(Topics.ALERT_STATE);
        assertThat(d.get(Topics.RAW_EVENTS).configs())
                .containsEntry(
                        TopicDescriptor.RETENTION_MS,
                        Long.toString(Duration.ofDays(3).toMillis()));
        assertThat(topics.compacted()).doesNotContain(Topics.RAW_EVENTS, Topics.LATE_RECORDS, Topics.STATES);
    }
}
