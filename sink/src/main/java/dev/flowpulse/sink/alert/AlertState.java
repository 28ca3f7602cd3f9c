package dev.flowpulse.sink.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What the notifier remembers of one alert: the alert as last evaluated, when it started firing,
 * and when it resolved ({@code null} while firing). A resolved state is kept until every
 * Alertmanager has accepted the resolve. Immutable; this is the value of the alert-state store.
 */
public record AlertState(Alert alert, Instant startsAt, Instant resolvedAt) {

    public AlertState {
        Objects.requireNonNull(alert, "alert");
        Objects.requireNonNull(startsAt, "startsAt");
    }

    public Map<String, String> labels() {
        return alert.labels();
    }

    public boolean firing() {
        return resolvedAt == null;
    }

    public AlertState resolved(Instant at) {
        return new AlertState(alert, startsAt, at);
    }

    /**
     * The alert as Alertmanager takes it: a firing alert ends {@code ahead} from {@code now} (so
     * Alertmanager resolves it by itself if flowpulse goes away), a resolved one at its resolve time.
     */
    public PostableAlert toPostable(Instant now, Duration ahead) {
        Instant endsAt = firing() ? now.plus(ahead) : resolvedAt;
        return new PostableAlert(
                alert.labels(),
                alert.annotations(),
                startsAt.toString(),
                (endsAt.isBefore(startsAt) ? startsAt : endsAt).toString(),
                alert.generatorUrl());
    }
}
