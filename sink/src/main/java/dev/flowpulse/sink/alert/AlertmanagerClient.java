package dev.flowpulse.sink.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Alertmanager's v2 API on the JDK's {@link HttpClient}: {@code POST <base>/api/v2/alerts} with a
 * JSON array of {@link PostableAlert}. Every call has a connect and a request timeout. Exceptions
 * never escape: the future completes with a {@link PushOutcome}; retrying is the caller's job.
 *
 * <p>Thread safe; one client (and its connection pool) serves every Alertmanager. Nothing to close:
 * the JDK client's threads are daemons.
 */
public final class AlertmanagerClient implements AlertPusher {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final HttpClient http;
    private final Duration timeout;

    public AlertmanagerClient(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public CompletableFuture<PushOutcome> push(AlertmanagerTarget target, List<PostableAlert> alerts) {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.alertsUri())
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(alerts)));
        if (!target.authorization().isEmpty()) {
            request.header("Authorization", target.authorization());
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> failure == null ? outcome(response.statusCode()) : outcome(failure));
    }

    static String json(List<PostableAlert> alerts) {
        try {
            return JSON.writeValueAsString(alerts);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PushOutcome outcome(int status) {
        if (status >= 200 && status < 300) {
            return PushOutcome.SUCCESS;
        }
        return status >= 400 && status < 500 ? PushOutcome.REJECTED : PushOutcome.SERVER_ERROR;
    }

    static PushOutcome outcome(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        // HttpConnectTimeoutException is an HttpTimeoutException; refused, reset, unknown host: unreachable
        return cause instanceof HttpTimeoutException ? PushOutcome.TIMEOUT : PushOutcome.UNREACHABLE;
    }
}
