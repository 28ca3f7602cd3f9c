package dev.flowpulse.sink.alert;

import dev.flowpulse.runtime.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every configured Alertmanager up to date with the evaluator's active alerts.
 *
 * <p>{@link #update} diffs the active set with the recorded {@link AlertState}s: a new alert is
 * recorded firing (its {@code startsAt} is now), one no longer active is recorded resolved
 * ({@code endsAt} = now); states are written to the {@link AlertStateStore} before anything is
 * pushed. Then each Alertmanager, independently, gets every firing alert and every resolve it has
 * not accepted yet, whenever something changed for it or {@code resendInterval} passed since its
 * last accepted push; firing alerts carry {@code endsAt} = now + {@value #ENDS_AT_INTERVALS} ×
 * {@code resendInterval}. A failed push is retried after a capped, jittered {@link Backoff}, at the
 * first {@link #update} or {@link #flush} after it; one Alertmanager's failures never delay
 * another. A resolve is forgotten once every Alertmanager accepted it.
 *
 * <p>Replicas: before each {@link #update} and {@link #flush}, the states other sink replicas
 * recorded ({@link AlertStateStore#changes}) are adopted as they are (the store's last record of an
 * alert wins, so every replica converges on the same {@code startsAt}, annotations and resolve).
 * An adopted decision (firing, or resolved / removed) is only overturned by this replica's own
 * evaluation if that evaluation disagrees with it {@value #CONFIRM_EVALUATIONS} times in a row:
 * a replica whose view lags the other's by less than an evaluation interval neither re-fires an
 * alert the other just resolved nor resolves one the other just fired (no flapping, no second
 * page). A resolve another replica delivered and removed is delivered by this one too when its own
 * last push of the alert may have been the firing alert ({@link #forgetOrFollowUp}).
 *
 * <p>Thread safe: all state is guarded by this object's monitor; pushes run asynchronously and
 * at most one per Alertmanager at a time.
 */
public final class AlertNotifier {

    static final int ENDS_AT_INTERVALS = 4;
    static final int CONFIRM_EVALUATIONS = 2;
    private static final Logger log = LoggerFactory.getLogger(AlertNotifier.class);

    private final AlertPusher pusher;
    private final AlertStateStore store;
    private final Duration resendInterval;
    private final Backoff backoff;
    private final AlertMetrics metrics;
    private final Clock clock;
    private final Map<Map<String, String>, AlertState> states;
    private final List<Delivery> deliveries = new ArrayList<>();
    private final Map<Map<String, String>, Adopted> adopted = new HashMap<>();

    /** A decision another replica recorded, which this replica's evaluation has not confirmed yet. */
    private static final class Adopted {
        final boolean firing;
        int disagreementsLeft = CONFIRM_EVALUATIONS;

        Adopted(boolean firing) {
            this.firing = firing;
        }
    }

    /** What one Alertmanager has accepted, and its retry state. */
    private static final class Delivery {
        final AlertmanagerTarget target;
        final Map<Map<String, String>, AlertState> accepted = new HashMap<>();
        Instant lastAccepted = Instant.MIN;
        boolean inFlight;
        int failures;
        Instant retryAt = Instant.MIN;

        Delivery(AlertmanagerTarget target) {
            this.target = target;
        }
    }

    public AlertNotifier(
            List<AlertmanagerTarget> targets,
            AlertPusher pusher,
            AlertStateStore store,
            Duration resendInterval,
            Backoff backoff,
            AlertMetrics metrics,
            Clock clock) {
        this.pusher = Objects.requireNonNull(pusher, "pusher");
        this.store = Objects.requireNonNull(store, "store");
        this.resendInterval = Objects.requireNonNull(resendInterval, "resendInterval");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.states = new LinkedHashMap<>(store.load());
        targets.forEach(t -> deliveries.add(new Delivery(t)));
        if (!states.isEmpty()) {
            log.info("Loaded {} alert states; re-sending them to every Alertmanager", states.size());
        }
        countFiring();
    }

    /** Records the evaluator's active set (everything else resolves) and pushes what is due. */
    public synchronized void update(List<Alert> active) {
        adoptChanges();
        Instant now = clock.instant();
        Map<Map<String, String>, Alert> current = new LinkedHashMap<>();
        active.forEach(a -> current.put(a.labels(), a));
        for (Alert alert : current.values()) {
            if (deferred(alert.labels(), true)) {
                continue;
            }
            AlertState held = states.get(alert.labels());
            AlertState next = held == null || !held.firing()
                    ? new AlertState(alert, now, null)
                    : new AlertState(keepLink(alert, held), held.startsAt(), null);
            if (!next.equals(held)) {
                if (held == null || !held.firing()) {
                    log.info("Alert firing: {}", alert.labels());
                }
                record(next);
            }
        }
        for (AlertState held : List.copyOf(states.values())) {
            if (!current.containsKey(held.labels()) && !deferred(held.labels(), false) && held.firing()) {
                log.info("Alert resolved: {}", held.labels());
                record(held.resolved(now));
            }
        }
        adopted.keySet().removeIf(labels -> !current.containsKey(labels) && !states.containsKey(labels));
        countFiring();
        flush();
    }

    /**
     * A firing alert keeps the Prefect UI link it had when this evaluation has none (a replica, or a
     * restarted sink, that has not yet seen the scope's ids), so replicas do not overwrite each
     * other's link with nothing.
     */
    private static Alert keepLink(Alert alert, AlertState held) {
        return alert.generatorUrl().isEmpty() && !held.alert().generatorUrl().isEmpty()
                ? new Alert(alert.labels(), alert.annotations(), held.alert().generatorUrl())
                : alert;
    }

    /**
     * True if this evaluation's decision ({@code firing} or not) about the alert must wait: it
     * disagrees with a decision adopted from another replica that has not yet been contradicted
     * {@value #CONFIRM_EVALUATIONS} times in a row.
     */
    private boolean deferred(Map<String, String> labels, boolean firing) {
        Adopted a = adopted.get(labels);
        if (a == null) {
            return false;
        }
        if (a.firing == firing || --a.disagreementsLeft <= 0) {
            adopted.remove(labels);
            return false;
        }
        return true;
    }

    /** Takes over what other replicas recorded since the last call. */
    private void adoptChanges() {
        List<AlertStateStore.Change> changes = store.changes();
        for (AlertStateStore.Change c : changes) {
            AlertState held = states.get(c.labels());
            if (c.state() == null) {
                if (held != null) {
                    forgetOrFollowUp(c.labels(), held);
                    adopted.put(c.labels(), new Adopted(false));
                }
            } else if (!c.state().equals(held)) {
                states.put(c.labels(), c.state());
                adopted.put(c.labels(), new Adopted(c.state().firing()));
            }
        }
        if (!changes.isEmpty()) {
            countFiring();
        }
    }

    /**
     * Another replica delivered the resolve of {@code labels} and removed it. If this replica's own
     * last push of it to some Alertmanager may have been the firing alert (accepted as firing, or a
     * push in flight), that push can reach the Alertmanager after the other's resolve and make it
     * fire again (a second page, and a resolve only at {@code endsAt}); so this replica keeps the
     * resolve and delivers it itself, after its own push (one push per Alertmanager at a time),
     * then forgets it as for its own resolves. Otherwise it forgets the alert at once.
     */
    private void forgetOrFollowUp(Map<String, String> labels, AlertState held) {
        boolean mayHavePushedFiring = deliveries.stream().anyMatch(d -> {
            AlertState accepted = d.accepted.get(labels);
            return d.inFlight || accepted != null && accepted.firing();
        });
        if (mayHavePushedFiring) {
            states.put(labels, held.firing() ? held.resolved(clock.instant()) : held);
        } else {
            states.remove(labels);
            deliveries.forEach(d -> d.accepted.remove(labels));
        }
    }

    /** Pushes what is due to each Alertmanager not already busy or waiting to retry. */
    public synchronized void flush() {
        adoptChanges();
        Instant now = clock.instant();
        for (Delivery d : deliveries) {
            if (d.inFlight || now.isBefore(d.retryAt)) {
                continue;
            }
            List<AlertState> batch = new ArrayList<>();
            boolean changed = false;
            for (AlertState s : states.values()) {
                boolean acceptedAsIs = s.equals(d.accepted.get(s.labels()));
                if (s.firing() || !acceptedAsIs) {
                    batch.add(s);
                    changed |= !acceptedAsIs;
                }
            }
            boolean resendDue = !now.isBefore(d.lastAccepted.plus(resendInterval));
            if (batch.isEmpty() || !changed && !resendDue) {
                continue;
            }
            push(d, batch, now);
        }
        forgetDeliveredResolves();
    }

    /** A snapshot of the recorded states, firing and resolved-but-undelivered, by labels. */
    public synchronized Map<Map<String, String>, AlertState> states() {
        return new LinkedHashMap<>(states);
    }

    private void push(Delivery d, List<AlertState> batch, Instant now) {
        d.inFlight = true;
        Duration ahead = resendInterval.multipliedBy(ENDS_AT_INTERVALS);
        List<PostableAlert> payload =
                batch.stream().map(s -> s.toPostable(now, ahead)).toList();
        pusher.push(d.target, payload).whenComplete((outcome, error) -> completed(d, batch, now, outcome));
    }

    private synchronized void completed(Delivery d, List<AlertState> batch, Instant sentAt, PushOutcome outcome) {
        d.inFlight = false;
        PushOutcome o = outcome == null ? PushOutcome.UNREACHABLE : outcome;
        metrics.pushed(d.target, o);
        if (o != PushOutcome.SUCCESS) {
            d.failures++;
            Duration wait = backoff.delay(d.failures);
            d.retryAt = clock.instant().plus(wait);
            if (d.failures == 1) {
                log.warn(
                        "Push of {} alerts to {} failed ({}); retrying with backoff",
                        batch.size(),
                        d.target,
                        o.label());
            } else {
                log.debug(
                        "Push to {} failed again ({}), attempt {}; next in {}", d.target, o.label(), d.failures, wait);
            }
            return;
        }
        if (d.failures > 0) {
            log.info("{} accepts alerts again after {} failed pushes", d.target, d.failures);
        }
        d.failures = 0;
        d.retryAt = Instant.MIN;
        d.lastAccepted = sentAt;
        batch.forEach(s -> d.accepted.put(s.labels(), s));
        forgetDeliveredResolves();
    }

    private void forgetDeliveredResolves() {
        for (AlertState s : List.copyOf(states.values())) {
            if (!s.firing() && deliveries.stream().allMatch(d -> s.equals(d.accepted.get(s.labels())))) {
                store.remove(s.labels());
                states.remove(s.labels());
                deliveries.forEach(d -> d.accepted.remove(s.labels()));
            }
        }
    }

    private void record(AlertState state) {
        store.put(state);
        states.put(state.labels(), state);
    }

    private void countFiring() {
        Map<String, Long> counts = new HashMap<>();
        states.values().stream()
                .filter(AlertState::firing)
                .forEach(s -> counts.merge(s.alert().alertname(), 1L, Long::sum));
        metrics.firing(counts);
    }
}
