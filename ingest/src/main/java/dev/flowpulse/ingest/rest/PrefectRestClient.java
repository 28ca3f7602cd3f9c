package dev.flowpulse.ingest.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flowpulse.contract.Json;
import dev.flowpulse.ingest.Counters;
import dev.flowpulse.ingest.prefect.PrefectEndpoints;
import dev.flowpulse.ingest.prefect.ServerMessage;
import dev.flowpulse.runtime.Backoff;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls Prefect's REST API under {@code PREFECT_API_URL} with the JDK {@link HttpClient}.
 *
 * <p>Every request carries the credential of {@link PrefectEndpoints} ({@code Bearer} key on
 * Cloud, {@code Basic base64(auth string)} self-hosted) and a timeout. Retries follow
 * {@link RetryPolicy}: 429 honours {@code Retry-After}, 5xx and timeouts back off with capped
 * full jitter, a bounded number of attempts per call. CSRF (self-hosted, opt-in on the server) is
 * handled on demand: when a POST is refused with Prefect's CSRF 403, a token is fetched from
 * {@code GET /csrf-token?client=<id>} and sent as {@code Prefect-Csrf-Token} /
 * {@code Prefect-Csrf-Client} from then on, refreshed when it expires or is rejected. A 401/403
 * is logged as an error once and then every call fails fast for
 * {@link RestSettings#authRetry()}: a wrong credential costs Prefect one request a minute, not a
 * storm. Logs and exceptions never contain a credential.
 *
 * <p>Meters: {@code flowpulse_ingest_prefect_requests_total{endpoint,status}} (status = the HTTP
 * code, or {@code timeout}/{@code io_error}) and {@code flowpulse_ingest_prefect_request_duration_seconds{endpoint}}.
 *
 * <p>Thread safe; blocking calls, interruptible while waiting between attempts.
 */
public final class PrefectRestClient {

    public static final String EVENTS_FILTER = "events_filter";
    public static final String EVENTS_FILTER_NEXT = "events_filter_next";
    public static final String FLOW_RUNS_HISTORY = "flow_runs_history";
    public static final String CSRF_TOKEN = "csrf_token";

    private static final Logger log = LoggerFactory.getLogger(PrefectRestClient.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final PrefectEndpoints endpoints;
    private final String base;
    private final RestSettings settings;
    private final RetryPolicy policy;
    private final MeterRegistry registry;
    private final Clock clock;
    private final RandomGenerator random;
    private final HttpClient http;
    private final String csrfClient = UUID.randomUUID().toString();
    private volatile CsrfToken csrf;
    private volatile boolean csrfRequired;
    private volatile Instant authBlockedUntil = Instant.MIN;

    public PrefectRestClient(
            PrefectEndpoints endpoints,
            RestSettings settings,
            MeterRegistry registry,
            Clock clock,
            RandomGenerator random) {
        this.endpoints = endpoints;
        String url = endpoints.apiUrl().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.settings = settings;
        this.policy = new RetryPolicy(settings);
        this.registry = registry;
        this.clock = clock;
        this.random = random;
        this.http = HttpClient.newBuilder()
                .connectTimeout(min(CONNECT_TIMEOUT, settings.timeout()))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        for (String endpoint : new String[] {EVENTS_FILTER, EVENTS_FILTER_NEXT, FLOW_RUNS_HISTORY}) {
            timer(endpoint);
        }
    }

    /** The API base every path is appended to: {@code PREFECT_API_URL} without a trailing slash. */
    public String base() {
        return base;
    }

    /** {@code POST base + path} with a JSON body; returns the parsed JSON answer. */
    public JsonNode post(String endpoint, String path, JsonNode body) throws PrefectApiException, InterruptedException {
        return call(endpoint, "POST", path, body.toString());
    }

    /** {@code GET base + pathAndQuery}; the query must already be encoded. */
    public JsonNode get(String endpoint, String pathAndQuery) throws PrefectApiException, InterruptedException {
        return call(endpoint, "GET", pathAndQuery, null);
    }

    private JsonNode call(String endpoint, String method, String pathAndQuery, String body)
            throws PrefectApiException, InterruptedException {
        Instant blockedUntil = authBlockedUntil;
        if (clock.instant().isBefore(blockedUntil)) {
            throw new PrefectApiException.AuthFailed(
                    "Prefect REST calls paused until " + blockedUntil + " after the credential ("
                            + endpoints.credentialKind() + ") was rejected",
                    0);
        }
        Backoff backoff = new Backoff(settings.backoffMin(), settings.backoffMax(), random);
        boolean csrfRefreshed = false;
        for (int attempt = 1; ; attempt++) {
            Answer answer = send(endpoint, method, pathAndQuery, body);
            RetryPolicy.Decision decision = policy.decide(
                    answer.status, answer.body, answer.retryAfter, attempt, csrfRefreshed, backoff, clock.instant());
            if (decision instanceof RetryPolicy.Succeed) {
                return parse(endpoint, answer.body);
            } else if (decision instanceof RetryPolicy.Retry retry) {
                log.warn(
                        "Prefect {} answered {} (attempt {} of {}); retrying in {} ms",
                        endpoint,
                        answer.describe(),
                        attempt,
                        settings.maxAttempts(),
                        retry.delay().toMillis());
                Thread.sleep(retry.delay().toMillis());
            } else if (decision instanceof RetryPolicy.RefreshCsrf) {
                log.info("Prefect demands a CSRF token for {}; fetching one", endpoint);
                csrfRequired = true;
                csrf = null;
                csrfRefreshed = true;
            } else if (decision instanceof RetryPolicy.FailAuth) {
                authBlockedUntil = clock.instant().plus(settings.authRetry());
                log.error(
                        "Prefect rejected the REST credential ({}) on {} {}: HTTP {}; REST calls paused for {} s."
                                + " Check PREFECT_API_KEY / PREFECT_API_AUTH_STRING",
                        endpoints.credentialKind(),
                        method,
                        base + pathOnly(pathAndQuery),
                        answer.status,
                        settings.authRetry().toSeconds());
                throw new PrefectApiException.AuthFailed(
                        "Prefect rejected the credential (" + endpoints.credentialKind() + "): HTTP " + answer.status,
                        answer.status);
            } else if (decision instanceof RetryPolicy.Fail fail) {
                String message = "Prefect " + endpoint + " failed after " + attempt + " attempt(s): "
                        + answer.describe() + detail(answer.body);
                throw fail.retryable()
                        ? new PrefectApiException.Unavailable(message, answer.status)
                        : new PrefectApiException(message, answer.status);
            }
        }
    }

    private Answer send(String endpoint, String method, String pathAndQuery, String body)
            throws InterruptedException, PrefectApiException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(settings.timeout())
                .header("Accept", "application/json")
                .header("User-Agent", "flowpulse-ingest");
        endpoints.authorizationHeader().ifPresent(value -> request.header("Authorization", value));
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (csrfRequired) {
                CsrfToken token = csrfToken();
                request.header("Prefect-Csrf-Token", token.token()).header("Prefect-Csrf-Client", csrfClient);
            }
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        long started = System.nanoTime();
        String status = null;
        try {
            HttpResponse<String> response =
                    http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            status = Integer.toString(response.statusCode());
            return new Answer(
                    response.statusCode(),
                    response.body(),
                    response.headers().firstValue("Retry-After").orElse(null),
                    null);
        } catch (HttpTimeoutException e) {
            status = "timeout";
            return new Answer(
                    0, null, null, "no answer within " + settings.timeout().toMillis() + " ms");
        } catch (IOException e) {
            status = "io_error";
            return new Answer(0, null, null, endpoints.redact(e.getClass().getSimpleName() + ": " + e.getMessage()));
        } finally {
            // status stays null only when interrupted: not a request outcome worth a series
            if (status != null) {
                count(endpoint, status);
                timer(endpoint).record(Duration.ofNanos(System.nanoTime() - started));
            }
        }
    }

    private CsrfToken csrfToken() throws InterruptedException, PrefectApiException {
        CsrfToken token = csrf;
        if (token != null && !token.expiresBefore(clock.instant().plusSeconds(30))) {
            return token;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/csrf-token?client=" + csrfClient))
                .timeout(settings.timeout())
                .header("Accept", "application/json")
                .GET();
        endpoints.authorizationHeader().ifPresent(value -> request.header("Authorization", value));
        try {
            HttpResponse<String> response =
                    http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            count(CSRF_TOKEN, Integer.toString(response.statusCode()));
            if (response.statusCode() != 200) {
                throw new PrefectApiException(
                        "Prefect demanded a CSRF token but GET /csrf-token answered HTTP " + response.statusCode(),
                        response.statusCode());
            }
            token = CsrfToken.parse(Json.prefect().readTree(response.body()));
            csrf = token;
            return token;
        } catch (IOException e) {
            count(CSRF_TOKEN, "io_error");
            throw new PrefectApiException.Unavailable(
                    "fetching a CSRF token failed: " + e.getClass().getSimpleName(), 0);
        }
    }

    private JsonNode parse(String endpoint, String body) throws PrefectApiException {
        try {
            return ServerMessage.READER.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw new PrefectApiException("Prefect " + endpoint + " answered with a body that is not JSON", 200);
        }
    }

    private void count(String endpoint, String status) {
        Counters.of(
                        registry,
                        "flowpulse.ingest.prefect.requests",
                        "Prefect REST requests by endpoint and HTTP status (timeout, io_error: no answer)",
                        "endpoint",
                        endpoint,
                        "status",
                        status)
                .increment();
    }

    private Timer timer(String endpoint) {
        return Timer.builder("flowpulse.ingest.prefect.request.duration")
                .description("Duration of Prefect REST requests, one attempt each")
                .tag("endpoint", endpoint)
                .register(registry);
    }

    private String detail(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String line = endpoints.redact(body).replace('\n', ' ').replace('\r', ' ');
        return ": " + (line.length() > 200 ? line.substring(0, 200) + "..." : line);
    }

    private static String pathOnly(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** One attempt's outcome; status 0 when no response arrived. */
    private final class Answer {
        final int status;
        final String body;
        final String retryAfter;
        final String failure;

        Answer(int status, String body, String retryAfter, String failure) {
            this.status = status;
            this.body = body;
            this.retryAfter = retryAfter;
            this.failure = failure;
        }

        String describe() {
            return status == 0 ? failure : "HTTP " + status;
        }
    }
}
