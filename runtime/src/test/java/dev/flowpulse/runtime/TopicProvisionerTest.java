package dev.flowpulse.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.contract.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** Created topics carry the configs the contract requires of each one: every topic stays bounded. */
class TopicProvisionerTest {

    private final List<NewTopic> plan = TopicProvisioner.plan(
            Topics.defaults(), 3, (short) 1, Duration.ofDays(2).toMillis());
    private final Map<String, Map<String, String>> configs =
            plan.stream().collect(Collectors.toMap(NewTopic::name, NewTopic::configs));

    @Test
    void shouldPlanEveryTopicOfTheContract() {
        assertThat(configs.keySet())
                .containsExactlyInAnyOrderElementsOf(Topics.defaults().all());
        assertThat(plan).allSatisfy(t -> {
            assertThat(t.numPartitions()).isEqualTo(3);
            assertThat(t.replicationFactor()).isEqualTo((short) 1);
        });
    }

    @Test
    void shouldKeepTheRawTopicForTheConfiguredRetention() {
        assertThat(configs.get(Topics.RAW_EVENTS))
                .containsEntry("cleanup.policy", "delete")
                .containsEntry("retention.ms", Long.toString(Duration.ofDays(2).toMillis()));
    }

    @Test
    void shouldBoundEveryTopicByRetentionOrRolledCompactedSegments() {
        assertThat(configs).allSatisfy((name, c) -> {
            String policy = c.get("cleanup.policy");
            assertThat(policy).as(name).isIn("delete", "compact", "compact,delete");
            if (policy.contains("delete")) {
                assertThat(c).as(name).containsKey("retention.ms");
            } else {
                assertThat(c).as(name).containsKeys("segment.ms", "segment.bytes");
            }
        });
        assertThat(configs.get(Topics.STATE_TOTALS)).containsEntry("cleanup.policy", "compact");
        assertThat(configs.get(Topics.WINDOW_STATS).get("cleanup.policy")).isEqualTo("compact,delete");
    }
}
