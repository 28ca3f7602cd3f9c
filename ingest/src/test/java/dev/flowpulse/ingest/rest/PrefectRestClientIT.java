package dev.flowpulse.ingest.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.Json;
import dev.flowpulse.contract.Secret;
import dev.flowpulse.ingest.gap.EventsFilterPager;
import dev.flowpulse.ingest.prefect.PrefectEndpoints;
import dev.flowpulse.simulator.PrefectSimulator;
import dev.flowpulse.simulator.Scenario;
import dev.flowpulse.testkit.LogCapture;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The REST client and the pager against the Prefect simulator's REST endpoints and injected faults. */
@Tag("integration")
@Timeout(120)
class PrefectRestClientIT {

    private static final String AUTH_STRING = "admin:rest-it-pass-3f9a";
    private static final RestSettings FAST = new RestSettings(
            Duration.ofSeconds(10),
            4,
            Duration.ofMillis(20),
            Duration.ofMillis(200),
            Duration.ofSeconds(5),
            Duration.ofSeconds(60));

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private PrefectSimulator simulator;

    @BeforeEach
    void startSimulator() throws Exception {
        simulator = PrefectSimulator.builder().authString(AUTH_STRING).build().start();
    }

    @AfterEach
    void stopSimulator() {
        simulator.close();
    }

    private PrefectRestClient client(String authString) {
        return new PrefectRestClient(
                new PrefectEndpoints(simulator.apiUrl(), null, Secret.ofNullable(authString)),
                FAST,
                registry,
                Clock.systemUTC(),
                RandomGenerator.getDefault());
    }

    private double requests(String endpoint, String status) {
        Counter c = registry.find("flowpulse.ingest.prefect.requests")
                .tag("endpoint", endpoint)
                .tag("status", status)
                .counter();
        return c == null ? 0 : c.count();
    }

    private static ObjectNode historyRequest() {
        Instant now = Instant.now();
        ObjectNode body = Json.prefect().createObjectNode();
        body.put("history_start", now.minus(Duration.ofHours(2)).toString());
        body.put("history_end", now.toString());
        body.put("history_interval_seconds", 3600.0);
        return body;
    }

    @Test
    void shouldHonourRetryAfterOn429() throws Exception {
        simulator.failNextRequests(1, 429, Duration.ofSeconds(1));
        long started = System.nanoTime();

        JsonNode answer =
                client(AUTH_STRING).post(PrefectRestClient.FLOW_RUNS_HISTORY, "/flow_runs/history", historyRequest());

        assertThat(answer.isArray()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(requests(PrefectRestClient.FLOW_RUNS_HISTORY, "429")).isEqualTo(1);
        assertThat(requests(PrefectRestClient.FLOW_RUNS_HISTORY, "200")).isEqualTo(1);
    }

    @Test
    void shouldRetryServerErrors() throws Exception {
        simulator.failNextRequests(2, 500, null);

        JsonNode answer =
                client(AUTH_STRING).post(PrefectRestClient.FLOW_RUNS_HISTORY, "/flow_runs/history", historyRequest());

        assertThat(answer.isArray()).isTrue();
        assertThat(requests(PrefectRestClient.FLOW_RUNS_HISTORY, "500")).isEqualTo(2);
        assertThat(requests(PrefectRestClient.FLOW_RUNS_HISTORY, "200")).isEqualTo(1);
    }

    @Test
    void shouldTimeOutASlowServerAndRetryUntilItAnswersInTime() throws Exception {
        RestSettings shortTimeout = new RestSettings(
                Duration.ofMillis(300),
                50,
                Duration.ofMillis(20),
                Duration.ofMillis(200),
                Duration.ofSeconds(5),
                Duration.ofSeconds(60));
        PrefectRestClient client = new PrefectRestClient(
                new PrefectEndpoints(simulator.apiUrl(), null, Secret.ofNullable(AUTH_STRING)),
                shortTimeout,
                registry,
                Clock.systemUTC(),
                RandomGenerator.getDefault());
        simulator.faults().delayResponses(Duration.ofSeconds(3));

        var call = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return client.post(PrefectRestClient.FLOW_RUNS_HISTORY, "/flow_runs/history", historyRequest());
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(requests(PrefectRestClient.FLOW_RUNS_HISTORY, "timeout"))
                        .isGreaterThanOrEqualTo(1));
        simulator.faults().delayResponses(Duration.ZERO);

        assertThat(call.get(60, java.util.concurrent.TimeUnit.SECONDS).isArray())
                .isTrue();
        assertThat(requests(PrefectRestClient.FLOW_RUNS_HISTORY, "200")).isEqualTo(1);
    }

    @Test
    void shouldGiveUpAfterBoundedAttempts() {
        simulator.failNextRequests(50, 503, null);
        PrefectRestClient client = client(AUTH_STRING);

        assertThatThrownBy(
                        () -> client.post(PrefectRestClient.FLOW_RUNS_HISTORY, "/flow_runs/history", historyRequest()))
                .isInstanceOf(PrefectApiException.Unavailable.class)
                .hasMessageContaining("HTTP 503");
        assertThat(requests(PrefectRestClient.FLOW_RUNS_HISTORY, "503")).isEqualTo(FAST.maxAttempts());
    }

    @Test
    void shouldFailLoudlyOnWrongCredentialsAndThenHoldOff() throws Exception {
        String wrong = "admin:wrong-rest-secret-77e1";
        PrefectRestClient client = client(wrong);
        try (LogCapture logs = new LogCapture()) {
            assertThatThrownBy(() ->
                            client.post(PrefectRestClient.FLOW_RUNS_HISTORY, "/flow_runs/history", historyRequest()))
                    .isInstanceOf(PrefectApiException.AuthFailed.class)
                    .hasMessageContaining("PREFECT_API_AUTH_STRING")
                    .hasMessageNotContaining("wrong-rest-secret");
            // Within the auth retry interval, calls fail without reaching Prefect: no retry storm.
            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> client.post(
                                PrefectRestClient.EVENTS_FILTER,
                                "/events/filter",
                                EventsFilterPager.request(Instant.now().minusSeconds(60), Instant.now())))
                        .isInstanceOf(PrefectApiException.AuthFailed.class);
            }
            assertThat(requests(PrefectRestClient.FLOW_RUNS_HISTORY, "401")).isEqualTo(1);
            assertThat(requests(PrefectRestClient.EVENTS_FILTER, "401")).isZero();
            assertThat(logs.text())
                    .contains("Prefect rejected the REST credential (PREFECT_API_AUTH_STRING)")
                    .doesNotContain("wrong-rest-secret");
        }
    }

    @Test
    void shouldPageEveryStoredEventOnceFollowingNextPageOnItsOwnBase() throws Exception {
        List<ObjectNode> events = Scenario.generate(
                        31, 40, Instant.now().minus(Scenario.SPAN).minusSeconds(30))
                .events();
        simulator.publish(events);
        assertThat(events).hasSizeGreaterThan(2 * EventsFilterPager.PAGE_SIZE);
        EventsFilterPager pager = new EventsFilterPager(client(AUTH_STRING), Duration.ofDays(14), Clock.systemUTC());
        List<String> read = new ArrayList<>();

        EventsFilterPager.Result result = pager.read(
                Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plusSeconds(60),
                e -> read.add(e.get("id").asText()));

        Set<String> expected = events.stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
        assertThat(new HashSet<>(read)).isEqualTo(expected);
        assertThat(read).hasSize(expected.size()).isSorted().doesNotHaveDuplicates();
        assertThat(result.pages()).isEqualTo((expected.size() + 49) / 50);
        assertThat(requests(PrefectRestClient.EVENTS_FILTER_NEXT, "200")).isEqualTo(result.pages() - 1);
    }

    @Test
    void shouldClampSpansOlderThanTheQueryWindow() throws Exception {
        EventsFilterPager pager = new EventsFilterPager(client(AUTH_STRING), Duration.ofDays(14), Clock.systemUTC());

        EventsFilterPager.Result result = pager.read(Instant.now().minus(Duration.ofDays(20)), Instant.now(), e -> {});

        assertThat(result.unreachable())
                .isBetween(Duration.ofDays(6), Duration.ofDays(6).plusMinutes(10));
    }
}
