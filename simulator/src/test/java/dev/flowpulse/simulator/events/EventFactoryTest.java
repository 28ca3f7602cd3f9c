package dev.flowpulse.simulator.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.simulator.wire.PrefectTime;
import dev.flowpulse.simulator.wire.Uuids;
import dev.flowpulse.testkit.PrefectSamples;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventFactoryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNode IDS = PrefectSamples.json("ids.json");

    @Test
    void shouldReproduceTheCrimsonFoxLifecycleByteForByte() throws Exception {
        JsonNode samples = PrefectSamples.json("events/flow-run-lifecycle-crimson-fox.json");
        RunIdentity crimsonFox = identity("crimson-fox", List.of("prod", "etl"), null);

        StateSnapshot previous = null;
        int runCount = 0;
        for (JsonNode sample : samples) {
            StateSnapshot next = stateOf(sample);
            runCount = EventFactory.nextRunCount(runCount, previous == null ? null : previous.type(), next.type());
            ObjectNode built = EventFactory.stateChange(
                    crimsonFox,
                    previous,
                    next,
                    runCount,
                    PrefectTime.parse(sample.get("received").textValue()));

            assertThat(MAPPER.writeValueAsString(built)).isEqualTo(MAPPER.writeValueAsString(sample));
            assertThat(fieldNames(built))
                    .containsExactly(
                            "occurred", "event", "resource", "related", "payload", "id", "follows", "received");
            previous = next;
        }
    }

    @Test
    void shouldReproduceTheFailedSampleWithItsMessageAndNoFollowsAfterALongRun() throws Exception {
        JsonNode sample = PrefectSamples.event("Failed");
        RunIdentity braveOtter = identity("brave-otter", List.of("auto-scheduled", "etl", "prod"), null);
        StateSnapshot running = new StateSnapshot(
                UUID.fromString("019df26e-398a-7254-93c9-54618cb151b2"),
                "RUNNING",
                "Running",
                "",
                Instant.parse("2026-05-04T10:00:03.210774Z"));

        ObjectNode built = EventFactory.stateChange(
                braveOtter,
                running,
                stateOf(sample),
                1,
                PrefectTime.parse(sample.get("received").textValue()));

        assertThat(MAPPER.writeValueAsString(built)).isEqualTo(MAPPER.writeValueAsString(sample));
    }

    @Test
    void shouldAddTheCreatorForAutomationMadeRuns() throws Exception {
        JsonNode sample = PrefectSamples.event("Scheduled-created-by-automation");
        JsonNode automation = IDS.get("automation");
        RunIdentity zestyGecko = identity(
                "zesty-gecko",
                List.of("etl", "prod"),
                new RunIdentity.Creator(
                        RunIdentity.Creator.Kind.AUTOMATION,
                        UUID.fromString(automation.get("id").textValue()),
                        automation.get("name").textValue()));

        ObjectNode built = EventFactory.stateChange(
                zestyGecko,
                null,
                stateOf(sample),
                0,
                PrefectTime.parse(sample.get("received").textValue()));

        assertThat(MAPPER.writeValueAsString(built)).isEqualTo(MAPPER.writeValueAsString(sample));
    }

    @Test
    void shouldCountRunsOnEveryEntryIntoRunningExceptAResumeFromPause() {
        assertThat(EventFactory.nextRunCount(0, "PENDING", "RUNNING")).isEqualTo(1);
        assertThat(EventFactory.nextRunCount(1, "RUNNING", "SCHEDULED")).isEqualTo(1);
        assertThat(EventFactory.nextRunCount(1, "SCHEDULED", "RUNNING")).isEqualTo(2);
        assertThat(EventFactory.nextRunCount(1, "PAUSED", "RUNNING")).isEqualTo(1);
        assertThat(EventFactory.nextRunCount(1, "RUNNING", "RUNNING")).isEqualTo(1);
        assertThat(EventFactory.nextRunCount(0, null, "SCHEDULED")).isZero();
    }

    @Test
    void shouldLinkFollowsOnlyWithinFiveMinutes() {
        Instant t = Instant.parse("2026-05-04T09:00:00Z");
        assertThat(EventFactory.timingIsTight(t, t.plusSeconds(299))).isTrue();
        assertThat(EventFactory.timingIsTight(t, t.plusSeconds(300))).isFalse();
        assertThat(EventFactory.timingIsTight(t, t.minusSeconds(299))).isTrue();
    }

    @Test
    void shouldUseStateIdsWhoseUuid7TimeIsTheOccurredMillisecond() {
        for (JsonNode sample : PrefectSamples.json("events/flow-run-lifecycle-crimson-fox.json")) {
            Instant occurred = PrefectTime.parse(sample.get("occurred").textValue());
            assertThat(Uuids.v7Time(UUID.fromString(sample.get("id").textValue())))
                    .isEqualTo(Instant.ofEpochMilli(occurred.toEpochMilli()));
        }
    }

    static RunIdentity identity(String runName, List<String> tags, RunIdentity.Creator creator) {
        return new RunIdentity(
                UUID.fromString(IDS.get("runs").get(runName).textValue()),
                runName,
                ref(IDS.get("flow")),
                ref(IDS.get("deployment")),
                ref(IDS.get("work_queue")),
                ref(IDS.get("work_pool")),
                IDS.get("work_pool").get("type").textValue(),
                tags,
                creator);
    }

    private static NamedRef ref(JsonNode node) {
        return new NamedRef(
                UUID.fromString(node.get("id").textValue()), node.get("name").textValue());
    }

    private static StateSnapshot stateOf(JsonNode event) {
        JsonNode resource = event.get("resource");
        return new StateSnapshot(
                UUID.fromString(event.get("id").textValue()),
                resource.get("prefect.state-type").textValue(),
                resource.get("prefect.state-name").textValue(),
                resource.get("prefect.state-message").textValue(),
                PrefectTime.parse(event.get("occurred").textValue()));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        Iterator<String> it = node.fieldNames();
        it.forEachRemaining(names::add);
        return names;
    }
}
