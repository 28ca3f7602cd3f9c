package dev.flowpulse.ingest.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.runtime.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static final Instant NOW = Instant.parse("2026-05-04T09:00:00Z");
    private final RestSettings settings = new RestSettings(
            Duration.ofSeconds(5),
            4,
            Duration.ofMillis(100),
            Duration.ofSeconds(2),
            Duration.ofSeconds(90),
            Duration.ofSeconds(60));
    private final RetryPolicy policy = new RetryPolicy(settings);
    private final Backoff backoff =
            new Backoff(settings.backoffMin(), settings.backoffMax(), RandomGenerator.of("L64X128MixRandom"));

    private RetryPolicy.Decision decide(int status, String body, String retryAfter, int attempt) {
        return policy.decide(status, body, retryAfter, attempt, false, backoff, NOW);
    }

    @Test
    void shouldSucceedOn2xx() {
        assertThat(decide(200, "[]", null, 1)).isInstanceOf(RetryPolicy.Succeed.class);
    }

    @Test
    void shouldWaitWhatRetryAfterSaysOn429() {
        assertThat(decide(429, "{}", "7", 1)).isEqualTo(new RetryPolicy.Retry(Duration.ofSeconds(7)));
        assertThat(decide(429, "{}", "Mon, 04 May 2026 09:00:03 GMT", 1))
                .isEqualTo(new RetryPolicy.Retry(Duration.ofSeconds(3)));
    }

    @Test
    void shouldCapRetryAfter() {
        assertThat(decide(429, "{}", "3600", 1)).isEqualTo(new RetryPolicy.Retry(Duration.ofSeconds(90)));
    }

    @Test
    void shouldBackOffWithJitterBelowTheCeilingOn5xxAndTimeouts() {
        for (int status : new int[] {500, 502, 503, 0, 408}) {
            RetryPolicy.Decision d = decide(status, null, null, 1);
            assertThat(d).isInstanceOf(RetryPolicy.Retry.class);
            assertThat(((RetryPolicy.Retry) d).delay()).isBetween(Duration.ZERO, settings.backoffMax());
        }
    }

    @Test
    void shouldGiveUpAfterMaxAttempts() {
        assertThat(decide(503, null, null, 4)).isEqualTo(new RetryPolicy.Fail(true));
        assertThat(decide(429, null, "1", 4)).isEqualTo(new RetryPolicy.Fail(true));
    }

    @Test
    void shouldTreat401And403AsAuthenticationFailures() {
        assertThat(decide(401, "{\"exception_message\":\"Unauthorized\"}", null, 1))
                .isInstanceOf(RetryPolicy.FailAuth.class);
        assertThat(decide(403, "{\"detail\":\"Forbidden\"}", null, 1)).isInstanceOf(RetryPolicy.FailAuth.class);
    }

    @Test
    void shouldRefreshTheCsrfTokenOnceWhenPrefectDemandsIt() {
        // Prefect's CsrfMiddleware: 403 {"detail": "Missing CSRF token."} / "Invalid CSRF token or client identifier."
        assertThat(decide(403, "{\"detail\":\"Missing CSRF token.\"}", null, 1))
                .isInstanceOf(RetryPolicy.RefreshCsrf.class);
        assertThat(policy.decide(
                        403, "{\"detail\":\"Invalid CSRF token or client identifier.\"}", null, 2, true, backoff, NOW))
                .isInstanceOf(RetryPolicy.FailAuth.class);
    }

    @Test
    void shouldNotRetryOtherClientErrors() {
        assertThat(decide(422, "{\"detail\":[]}", null, 1)).isEqualTo(new RetryPolicy.Fail(false));
        assertThat(decide(404, null, null, 1)).isEqualTo(new RetryPolicy.Fail(false));
    }
}
