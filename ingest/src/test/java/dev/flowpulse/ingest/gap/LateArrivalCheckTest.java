package dev.flowpulse.ingest.gap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.DeadLetters;
import dev.flowpulse.contract.HeaderNames;
import dev.flowpulse.contract.Topics;
import dev.flowpulse.ingest.IngestMetrics;
import dev.flowpulse.ingest.prefect.PrefectEndpoints;
import dev.flowpulse.ingest.publish.RawEventPublisher;
import dev.flowpulse.ingest.rest.PrefectRestClient;
import dev.flowpulse.ingest.rest.RestSettings;
import dev.flowpulse.ingest.websocket.RecentEventIds;
import dev.flowpulse.simulator.PrefectSimulator;
import dev.flowpulse.simulator.Scenario;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The late-arrival check against the simulator's {@code /events/filter} (its {@code total} as
 * Prefect's): one request while every stored event of the window was seen, a full read of the
 * window when one was not, nothing before the window's start. Scenario events of 60 runs: more
 * than one 50-event page.
 */
class LateArrivalCheckTest {

    /** The scenario runs 09:00–09:10; "now" at 09:12, the window the last 15 minutes. */
    private static final Instant START = Instant.parse("2026-05-04T09:00:00Z");

    private static final Clock NOW = Clock.fixed(START.plus(Duration.ofMinutes(12)), ZoneOffset.UTC);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private final SeenEvents seen = new SeenEvents(10_000);
    private final RecentEventIds published = new RecentEventIds(Duration.ofMinutes(30), 10_000, NOW);
    private final List<ObjectNode> events = Scenario.generate(51, 60, START).events();
    private PrefectSimulator simulator;
    private GapFiller filler;

    @BeforeEach
    void start() throws Exception {
        simulator = PrefectSimulator.builder().clock(NOW).build().start();
        simulator.publish(events);
        PrefectRestClient client = new PrefectRestClient(
                new PrefectEndpoints(simulator.apiUrl(), null, null),
                RestSettings.defaults(),
                registry,
                NOW,
                RandomGenerator.getDefault());
        filler = new GapFiller(
                new EventsFilterPager(client, Duration.ofDays(14), NOW),
                new RawEventPublisher(producer, Topics.defaults(), "ws"),
                published,
                new FollowsWatcher(10_000, START),
                seen,
                new IngestMetrics(registry),
                new GapMetrics(registry));
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    private LateArrivalCheck check(Instant from) {
        return new LateArrivalCheck(filler, seen, Duration.ofMinutes(15), Duration.ofSeconds(15), NOW, from);
    }

    /** As the websocket leaves it: every event but {@code missing} seen and published. */
    private void sawAllBut(ObjectNode missing) {
        for (ObjectNode e : events) {
            if (e != missing) {
                seen.seen(e.get("id").asText(), Instant.parse(e.get("occurred").asText()));
                published.add(e.get("id").asText());
            }
        }
    }

    private double requests() {
        return registry.find("flowpulse.ingest.prefect.requests").counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    private List<String> publishedIds() {
        return producer.history().stream()
                .map(r -> DeadLetters.get(r.headers(), HeaderNames.EVENT_ID))
                .toList();
    }

    @Test
    void shouldCostOneRequestWhenEveryStoredEventWasSeen() throws Exception {
        assertThat(events).hasSizeGreaterThan(EventsFilterPager.PAGE_SIZE);
        sawAllBut(null);

        check(START).run();

        assertThat(requests()).isEqualTo(1);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldReadTheWindowInFullWhenPrefectHoldsAnEventNeverSeen() throws Exception {
        ObjectNode missing = events.get(events.size() - 1); // beyond the first page
        sawAllBut(missing);

        check(START).run();

        assertThat(publishedIds()).containsExactly(missing.get("id").asText());
        int pages = (events.size() + EventsFilterPager.PAGE_SIZE - 1) / EventsFilterPager.PAGE_SIZE;
        assertThat(requests()).isEqualTo(1 + pages);

        check(START).run(); // now accounted for: one request again, nothing republished
        assertThat(requests()).isEqualTo(2 + pages);
        assertThat(publishedIds()).hasSize(1);
    }

    @Test
    void shouldLeaveEventsBeforeWhatThisProcessAccountsForAlone() throws Exception {
        ObjectNode first = events.get(0);
        sawAllBut(first);

        // This process accounts only for what occurred after the first event (its start).
        check(Instant.parse(first.get("occurred").asText()).plusNanos(1000)).run();

        assertThat(requests()).isEqualTo(1);
        assertThat(producer.history()).isEmpty();
    }
}
