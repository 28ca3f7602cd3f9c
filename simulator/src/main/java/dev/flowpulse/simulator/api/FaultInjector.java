package dev.flowpulse.simulator.api;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fault switches the server consults on every request, kept outside the server so they
 * survive a restart: REST failures (the next N data calls answer a chosen status, e.g. Prefect
 * Cloud's 429 with {@code Retry-After}, reference §4), a delay before every REST answer, HTTP
 * statuses instead of the websocket upgrade, and silence (websockets that send nothing at all).
 * Health and readiness probes are never failed or delayed.
 *
 * <p>Thread safe.
 */
public final class FaultInjector {

    private int remaining;
    private int status;
    private Duration retryAfter;
    private volatile Duration responseDelay = Duration.ZERO;
    private int upgradeRejectionsLeft;
    private int upgradeStatus;
    private volatile boolean silent;
    private final AtomicLong upgradeAttempts = new AtomicLong();
    private final AtomicLong rejectedUpgrades = new AtomicLong();

    public synchronized void failNext(int count, int status, Duration retryAfter) {
        if (count < 0 || status < 400 || status > 599) {
            throw new IllegalArgumentException("count must be >= 0 and status a 4xx/5xx code");
        }
        this.remaining = count;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    /** The injected failure for this REST call, or null when calls go through. */
    synchronized ApiResponse nextRestFailure() {
        if (remaining <= 0) {
            return null;
        }
        remaining--;
        String body = status == 429
                ? "{\"exception_message\":\"Rate limit exceeded\"}"
                : "{\"exception_message\":\"Injected failure\"}";
        ApiResponse response = ApiResponse.json(status, body);
        if (retryAfter != null) {
            long seconds = Math.max(0, (retryAfter.toMillis() + 999) / 1000);
            response = response.withHeader("Retry-After", Long.toString(seconds));
        }
        return response;
    }

    public synchronized int remaining() {
        return remaining;
    }

    /** Every REST answer (not health/ready) is held back this long; {@link Duration#ZERO} turns it off. */
    public void delayResponses(Duration delay) {
        if (Objects.requireNonNull(delay, "delay").isNegative()) {
            throw new IllegalArgumentException("delay must not be negative");
        }
        this.responseDelay = delay;
    }

    public Duration responseDelay() {
        return responseDelay;
    }

    /** The next {@code count} websocket upgrades are answered with {@code status}; {@link Integer#MAX_VALUE} = until reset. */
    public synchronized void rejectUpgrades(int count, int status) {
        if (count < 0 || status < 400 || status > 599) {
            throw new IllegalArgumentException("count must be >= 0 and status a 4xx/5xx code");
        }
        this.upgradeRejectionsLeft = count;
        this.upgradeStatus = status;
    }

    /** Counts an upgrade attempt; the status to refuse it with, or 0 to go ahead. */
    synchronized int nextUpgradeRejection() {
        upgradeAttempts.incrementAndGet();
        if (upgradeRejectionsLeft <= 0) {
            return 0;
        }
        if (upgradeRejectionsLeft != Integer.MAX_VALUE) {
            upgradeRejectionsLeft--;
        }
        rejectedUpgrades.incrementAndGet();
        return upgradeStatus;
    }

    public long upgradeAttempts() {
        return upgradeAttempts.get();
    }

    public long rejectedUpgrades() {
        return rejectedUpgrades.get();
    }

    /** While silent, new websockets are upgraded but never sent a frame (see {@link OpenSessions#silenceAll()}). */
    public void silent(boolean silent) {
        this.silent = silent;
    }

    public boolean silent() {
        return silent;
    }

    /** Turns every fault off (counters are kept). */
    public synchronized void clear() {
        remaining = 0;
        upgradeRejectionsLeft = 0;
        responseDelay = Duration.ZERO;
        silent = false;
    }
}
