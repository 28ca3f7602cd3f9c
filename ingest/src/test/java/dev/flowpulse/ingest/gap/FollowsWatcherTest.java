package dev.flowpulse.ingest.gap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.testkit.PrefectSamples;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FollowsWatcherTest {

    // crimson-fox: Submitting → Running → Completed, each 'follows' the previous state's event.
    private final ObjectNode submitting = (ObjectNode) PrefectSamples.event("Submitting");
    private final ObjectNode running = (ObjectNode) PrefectSamples.event("Running");
    private final ObjectNode completed = (ObjectNode) PrefectSamples.event("Completed");

    @Test
    void shouldAcceptAChainSeenInOrder() {
        FollowsWatcher watcher = new FollowsWatcher(100, Instant.parse("2026-05-04T08:00:00Z"));
        assertThat(running.get("follows").asText())
                .isEqualTo(submitting.get("id").asText());
        watcher.seen(submitting.get("follows").asText()); // Pending

        assertThat(watcher.delivered(submitting)).isEmpty();
        assertThat(watcher.delivered(running)).isEmpty();
        assertThat(watcher.delivered(completed)).isEmpty();
    }

    @Test
    void shouldSuspectADropWhenThePredecessorWasNeverSeen() {
        FollowsWatcher watcher = new FollowsWatcher(100, Instant.parse("2026-05-04T08:00:00Z"));
        watcher.delivered(submitting);

        Instant occurred = Instant.parse(completed.get("occurred").asText());
        assertThat(watcher.delivered(completed)).contains(occurred.minus(FollowsWatcher.FOLLOWS_HORIZON));
    }

    @Test
    void shouldCountEventsReadThroughTheFilterAsSeen() {
        FollowsWatcher watcher = new FollowsWatcher(100, Instant.parse("2026-05-04T08:00:00Z"));
        watcher.seen(running.get("id").asText());

        assertThat(watcher.delivered(completed)).isEmpty();
    }

    @Test
    void shouldNotSuspectPredecessorsBeforeItStartedWatching() {
        Instant occurred = Instant.parse(completed.get("occurred").asText());
        FollowsWatcher watcher = new FollowsWatcher(100, occurred.minusSeconds(60));

        assertThat(watcher.delivered(completed)).isEmpty();
    }
}
