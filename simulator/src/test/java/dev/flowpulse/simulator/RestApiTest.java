package dev.flowpulse.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.simulator.events.RunIdentity;
import dev.flowpulse.testkit.PrefectSamples;
import java.io.ByteArrayInputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The REST endpoints (reference §3–4) against the JDK HTTP client. */
class RestApiTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String BASIC =
            "Basic " + Base64.getEncoder().encodeToString("admin:pass".getBytes(StandardCharsets.UTF_8));
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<PrefectSimulator> simulators = new ArrayList<>();

    @AfterEach
    void close() {
        simulators.forEach(PrefectSimulator::close);
    }

    @Test
    void shouldAnswerHealthAndReadyWithoutAuth() throws Exception {
        PrefectSimulator sim = simulator(PrefectSimulator.builder().authString("admin:pass"));

        HttpResponse<String> health = get(sim, "/health", null);
        HttpResponse<String> ready = get(sim, "/ready", null);

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("true");
        assertThat(ready.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRejectMissingOrWrongCredentialsWith401() throws Exception {
        PrefectSimulator selfHosted = simulator(PrefectSimulator.builder().authString("admin:pass"));
        PrefectSimulator cloud = simulator(PrefectSimulator.builder().apiKey("pnu_key"));
        String wrongBasic =
                "Basic " + Base64.getEncoder().encodeToString("admin:nope".getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> missing = post(selfHosted, "/events/filter", "{}", null);
        HttpResponse<String> wrong = post(selfHosted, "/events/filter", "{}", wrongBasic);
        HttpResponse<String> rawNotBase64 = post(selfHosted, "/events/filter", "{}", "Basic admin:pass");

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.body()).isEqualTo("{\"exception_message\":\"Unauthorized\"}");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(rawNotBase64.statusCode()).isEqualTo(401);
        assertThat(post(selfHosted, "/events/filter", "{}", BASIC).statusCode()).isEqualTo(200);
        assertThat(post(cloud, "/events/filter", "{}", "Bearer pnu_wrong").statusCode())
                .isEqualTo(401);
        assertThat(post(cloud, "/events/filter", "{}", "Bearer pnu_key").statusCode())
                .isEqualTo(200);
    }

    @Test
    void shouldPageEventsLikeTheSampleIncludingADecodableNextPageToken() throws Exception {
        PrefectSimulator sim =
                simulator(PrefectSimulator.builder().authString("admin:pass").clock(at("2026-05-04T10:05:00Z")));
        PrefectSamples.json("events/flow-run-lifecycle-crimson-fox.json").forEach(e -> sim.publish((ObjectNode) e));
        sim.publish((ObjectNode) PrefectSamples.event("heartbeat"));
        sim.publish((ObjectNode) PrefectSamples.event("Failed"));
        JsonNode page1Sample = PrefectSamples.json("rest/events-filter-response-page1.json");
        JsonNode page2Sample = PrefectSamples.json("rest/events-filter-next-response-page2.json");

        JsonNode page1 = json(post(
                sim,
                "/events/filter",
                PrefectSamples.json("rest/events-filter-request.json").toString(),
                BASIC));

        assertThat(page1.get("events")).isEqualTo(page1Sample.get("events"));
        assertThat(page1.get("total").intValue()).isEqualTo(5);
        String nextPage = page1.get("next_page").textValue();
        assertThat(nextPage).startsWith(sim.apiUrl() + "/events/filter/next?page-token=");
        assertThat(decodeToken(nextPage))
                .isEqualTo(decodeToken(page1Sample.get("next_page").textValue()));

        HttpResponse<String> second = http.send(
                HttpRequest.newBuilder(URI.create(nextPage))
                        .header("Authorization", BASIC)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(json(second)).isEqualTo(page2Sample);
    }

    @Test
    void shouldRefuseMoreThanFiftyEventsAPageAndForgedTokens() throws Exception {
        PrefectSimulator sim = simulator(PrefectSimulator.builder());

        HttpResponse<String> tooMany = post(sim, "/events/filter", "{\"limit\":51}", null);
        HttpResponse<String> unknownFilterKey =
                post(sim, "/events/filter", "{\"filter\":{\"event\":{\"nam\":[]}}}", null);
        HttpResponse<String> forged = get(sim, "/events/filter/next?page-token=Zm9v", null);
        HttpResponse<String> garbage = get(sim, "/events/filter/next?page-token=@@@", null);

        assertThat(tooMany.statusCode()).isEqualTo(422);
        assertThat(MAPPER.readTree(tooMany.body())
                        .get("exception_detail")
                        .get(0)
                        .get("loc")
                        .toString())
                .isEqualTo("[\"body\",\"limit\"]");
        assertThat(unknownFilterKey.statusCode()).isEqualTo(422);
        assertThat(MAPPER.readTree(unknownFilterKey.body())
                        .get("exception_detail")
                        .get(0)
                        .get("type")
                        .textValue())
                .isEqualTo("extra_forbidden");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(garbage.statusCode()).isEqualTo(403);
    }

    @Test
    void shouldBucketHistoryByExpectedStartAndCurrentStateLikeTheSample() throws Exception {
        PrefectSimulator sim = simulator(PrefectSimulator.builder().clock(at("2026-05-04T13:00:00Z")));
        // One run per sample entry: expected start (first event) 10 min into the bucket, started
        // `lateness` later, running for `runTime` seconds (values from flow-runs-history-response.json).
        publishRun(sim, "2026-05-04T08:10:00Z", 1.730215, 139.80412, "COMPLETED", "Completed");
        publishRun(sim, "2026-05-04T09:10:00Z", 9.87412, 152.441382, "COMPLETED", "Completed");
        publishRun(sim, "2026-05-04T09:20:00Z", 2.004118, 151.002319, "COMPLETED", "Completed");
        publishRun(sim, "2026-05-04T10:10:00Z", 3.210774, 764.694557, "FAILED", "Failed");
        publishRun(sim, "2026-05-04T10:20:00Z", 4.660127, 148.115003, "COMPLETED", "Completed");
        publishRun(sim, "2026-05-04T11:10:00Z", 1.884502, 147.360011, "COMPLETED", "Completed");
        publishRun(sim, "2026-05-04T11:20:00Z", 3.788157, 312.886778, "CRASHED", "Crashed");
        publishRun(sim, "2026-05-04T12:10:00Z", 2.307539, 358.592468, "CANCELLING", "Cancelling");
        publishRun(sim, "2026-05-04T12:20:00Z", 2.250019, 149.913726, "COMPLETED", "Completed");
        sim.publish(SampleRuns.events(
                SampleRuns.sampleDeploymentRun(UUID.randomUUID(), "future-run", List.of("etl", "prod")),
                List.of(new SampleRuns.State("SCHEDULED", "Scheduled", Instant.parse("2026-05-04T13:30:00Z")))));
        sim.publish(SampleRuns.events(
                SampleRuns.otherDeploymentRun(UUID.randomUUID(), "not-this-deployment"),
                List.of(new SampleRuns.State("PENDING", "Pending", Instant.parse("2026-05-04T09:30:00Z")))));

        JsonNode history = json(post(
                sim,
                "/flow_runs/history",
                PrefectSamples.json("rest/flow-runs-history-request.json").toString(),
                null));

        assertThat(sortedStates(history))
                .isEqualTo(sortedStates(PrefectSamples.json("rest/flow-runs-history-response.json")));
    }

    @Test
    void shouldValidateHistoryRequestsLikeFastApi() throws Exception {
        PrefectSimulator sim = simulator(PrefectSimulator.builder());
        String window = "\"history_start\":\"2026-05-04T07:00:00Z\",\"history_end\":\"2026-05-04T14:00:00Z\"";

        HttpResponse<String> misspelt =
                post(sim, "/flow_runs/history", "{" + window + ",\"history_interval\":3600}", null);
        HttpResponse<String> tooFine =
                post(sim, "/flow_runs/history", "{" + window + ",\"history_interval_seconds\":0.5}", null);
        HttpResponse<String> unknownFilterKey = post(
                sim,
                "/flow_runs/history",
                "{" + window + ",\"history_interval_seconds\":60,\"flow_runs\":{\"colour\":{}}}",
                null);
        HttpResponse<String> capped = post(
                sim,
                "/flow_runs/history",
                "{" + window + ",\"history_interval_seconds\":1,\"ignored_key\":true}",
                null);
        HttpResponse<String> partial = post(
                sim,
                "/flow_runs/history",
                "{\"history_start\":\"2026-05-04T07:00:00Z\",\"history_end\":\"2026-05-04T07:10:00Z\",\"history_interval_seconds\":420}",
                null);

        assertThat(misspelt.statusCode()).isEqualTo(422);
        assertThat(misspelt.body()).contains("history_interval_seconds").contains("missing");
        assertThat(tooFine.statusCode()).isEqualTo(422);
        assertThat(unknownFilterKey.statusCode()).isEqualTo(422);
        assertThat(json(capped)).hasSize(500);
        JsonNode buckets = json(partial);
        assertThat(buckets).hasSize(2);
        assertThat(buckets.get(1).get("interval_end").textValue()).isEqualTo("2026-05-04T07:14:00Z");
        assertThat(buckets.get(1).get("states")).isEmpty();
    }

    @Test
    void shouldServeFlowRunsWithLiveEstimatedRunTimeLikeTheSample() throws Exception {
        PrefectSimulator sim = simulator(PrefectSimulator.builder().clock(at("2026-05-04T10:05:00Z")));
        PrefectSamples.json("events/flow-run-lifecycle-crimson-fox.json").forEach(e -> sim.publish((ObjectNode) e));
        RunIdentity braveOtter = SampleRuns.sampleDeploymentRun(
                UUID.fromString(SampleRuns.IDS.get("runs").get("brave-otter").textValue()),
                "brave-otter",
                List.of("auto-scheduled", "etl", "prod"));
        sim.publish(SampleRuns.events(
                braveOtter,
                List.of(
                        new SampleRuns.State("PENDING", "Pending", Instant.parse("2026-05-04T10:00:00Z")),
                        new SampleRuns.State(
                                "RUNNING",
                                "Running",
                                Instant.parse("2026-05-04T10:00:03.210774Z"),
                                UUID.fromString("019df26e-398a-7254-93c9-54618cb151b2")))));
        JsonNode expected = PrefectSamples.json("rest/flow-runs-filter-response.json");

        JsonNode runs = json(post(
                sim,
                "/flow_runs/filter",
                PrefectSamples.json("rest/flow-runs-filter-request.json").toString(),
                null));

        assertThat(runs).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonNode actual = runs.get(i);
            JsonNode sample = expected.get(i);
            assertThat(fieldNames(actual)).isEqualTo(fieldNames(sample));
            assertThat(fieldNames(actual.get("state"))).isEqualTo(fieldNames(sample.get("state")));
            assertThat(fieldNames(actual.get("state").get("state_details")))
                    .isEqualTo(fieldNames(sample.get("state").get("state_details")));
            for (String field : List.of(
                    "id",
                    "name",
                    "flow_id",
                    "state_id",
                    "deployment_id",
                    "work_queue_id",
                    "work_queue_name",
                    "tags",
                    "labels",
                    "state_type",
                    "state_name",
                    "run_count",
                    "start_time",
                    "end_time",
                    "total_run_time",
                    "estimated_run_time",
                    "auto_scheduled",
                    "work_pool_id",
                    "work_pool_name")) {
                assertThat(actual.get(field))
                        .as(sample.get("name") + "." + field)
                        .isEqualTo(sample.get(field));
            }
            for (String field : List.of("id", "type", "name", "timestamp")) {
                assertThat(actual.get("state").get(field))
                        .isEqualTo(sample.get("state").get(field));
            }
        }
        assertThat(runs.get(0).get("expected_start_time"))
                .isEqualTo(expected.get(0).get("expected_start_time"));
        assertThat(runs.get(0).get("estimated_start_time_delta"))
                .isEqualTo(expected.get(0).get("estimated_start_time_delta"));
        assertThat(post(sim, "/flow_runs/filter", "{\"limit\":201}", null).statusCode())
                .isEqualTo(422);
        assertThat(json(post(
                        sim,
                        "/flow_runs/filter",
                        "{\"flow_runs\":{\"state\":{\"type\":{\"any_\":[\"RUNNING\"]}}}}",
                        null)))
                .extracting(r -> r.get("name").textValue())
                .containsExactly("brave-otter");
        assertThat(post(sim, "/flow_runs/count", "{}", null).body()).isEqualTo("2");
    }

    @Test
    void shouldFailTheNextRequestsWithRetryAfterThenRecover() throws Exception {
        PrefectSimulator sim = simulator(PrefectSimulator.builder());
        sim.faults().failNextRequests(2, 429, Duration.ofMillis(2500));

        HttpResponse<String> first = post(sim, "/events/filter", "{}", null);
        HttpResponse<String> health = get(sim, "/health", null);
        HttpResponse<String> second = post(sim, "/flow_runs/filter", "{}", null);
        HttpResponse<String> third = post(sim, "/events/filter", "{}", null);

        assertThat(first.statusCode()).isEqualTo(429);
        assertThat(first.headers().firstValue("Retry-After"))
                .as("whole seconds, rounded up")
                .contains("3");
        assertThat(first.body()).isEqualTo("{\"exception_message\":\"Rate limit exceeded\"}");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(third.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswerInjectedServerErrorsWithoutRetryAfter() throws Exception {
        PrefectSimulator sim = simulator(PrefectSimulator.builder().authString("admin:pass"));
        sim.failNextRequests(1, 500, null);

        HttpResponse<String> failed = post(sim, "/flow_runs/history", "{}", BASIC);
        sim.faults().failNextRequests(1, 503, null);
        HttpResponse<String> unavailable = post(sim, "/events/filter", "{}", null);
        HttpResponse<String> recovered = post(sim, "/events/filter", "{}", BASIC);

        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(failed.body()).isEqualTo("{\"exception_message\":\"Injected failure\"}");
        assertThat(failed.headers().firstValue("Retry-After")).isEmpty();
        assertThat(unavailable.statusCode()).as("faults come before auth").isEqualTo(503);
        assertThat(recovered.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldHoldBackRestAnswersButNotProbesWhileSlow() throws Exception {
        PrefectSimulator sim = simulator(PrefectSimulator.builder());
        Duration delay = Duration.ofSeconds(3);
        sim.faults().delayResponses(delay);

        HttpRequest impatient = HttpRequest.newBuilder(URI.create(sim.apiUrl() + "/events/filter"))
                .timeout(Duration.ofMillis(500))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        assertThatThrownBy(() -> http.send(impatient, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        long started = System.nanoTime();
        HttpResponse<String> patient = post(sim, "/events/filter", "{}", null);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        HttpResponse<String> health = http.send(
                HttpRequest.newBuilder(URI.create(sim.apiUrl() + "/health"))
                        .timeout(Duration.ofMillis(2500))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        sim.faults().delayResponses(Duration.ZERO);
        HttpResponse<String> prompt = http.send(
                HttpRequest.newBuilder(URI.create(sim.apiUrl() + "/events/filter"))
                        .timeout(Duration.ofMillis(2500))
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(patient.statusCode()).isEqualTo(200);
        assertThat(took).isGreaterThanOrEqualTo(delay);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(prompt.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldServeRestAgainAfterARestartWithTheStoredEvents() throws Exception {
        PrefectSimulator sim = simulator(PrefectSimulator.builder().clock(at("2026-05-04T10:05:00Z")));
        PrefectSamples.json("events/flow-run-lifecycle-crimson-fox.json").forEach(e -> sim.publish((ObjectNode) e));

        sim.faults().stopServer();
        assertThatThrownBy(() -> post(sim, "/events/filter", "{}", null)).isInstanceOf(ConnectException.class);
        sim.faults().startServer();

        assertThat(json(post(sim, "/events/filter", "{}", null)).get("total").intValue())
                .isEqualTo(5);
    }

    @Test
    void shouldRefuseChunkedBodiesWithLengthRequired() throws Exception {
        PrefectSimulator sim = simulator(PrefectSimulator.builder());
        HttpRequest chunked = HttpRequest.newBuilder(URI.create(sim.apiUrl() + "/events/filter"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8))))
                .build();

        HttpResponse<String> response = http.send(chunked, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(411);
    }

    private void publishRun(
            PrefectSimulator sim, String expected, double lateness, double runTime, String type, String name) {
        Instant pending = Instant.parse(expected);
        Instant running = pending.plusNanos(Math.round(lateness * 1e6) * 1000);
        Instant finished = running.plusNanos(Math.round(runTime * 1e6) * 1000);
        List<SampleRuns.State> states = new ArrayList<>(List.of(
                new SampleRuns.State("PENDING", "Pending", pending),
                new SampleRuns.State("RUNNING", "Running", running),
                new SampleRuns.State(type, name, finished)));
        if (type.equals("CANCELLING")) {
            states.add(new SampleRuns.State("CANCELLED", "Cancelled", finished.plusSeconds(4)));
        }
        sim.publish(SampleRuns.events(
                SampleRuns.sampleDeploymentRun(UUID.randomUUID(), "run-" + expected, List.of("etl", "prod")), states));
    }

    private static JsonNode sortedStates(JsonNode history) {
        ArrayNode copy = history.deepCopy();
        for (JsonNode bucket : copy) {
            List<JsonNode> states = new ArrayList<>();
            bucket.get("states").forEach(states::add);
            states.sort(Comparator.comparing((JsonNode s) ->
                    s.get("state_type").textValue() + "/" + s.get("state_name").textValue()));
            ((ObjectNode) bucket).putArray("states").addAll(states);
        }
        return copy;
    }

    private static String decodeToken(String nextPage) {
        String token = nextPage.substring(nextPage.indexOf("page-token=") + "page-token=".length());
        return new String(Base64.getDecoder().decode(Base64.getDecoder().decode(token)), StandardCharsets.UTF_8);
    }

    private PrefectSimulator simulator(PrefectSimulator.Builder builder) throws Exception {
        PrefectSimulator sim = builder.build().start();
        simulators.add(sim);
        return sim;
    }

    private HttpResponse<String> post(PrefectSimulator sim, String path, String body, String authorization)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sim.apiUrl() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(PrefectSimulator sim, String path, String authorization) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(sim.apiUrl() + path)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return MAPPER.readTree(response.body());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        Iterator<String> it = node.fieldNames();
        it.forEachRemaining(names::add);
        return names;
    }

    private static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }
}
