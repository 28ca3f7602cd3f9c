package dev.flowpulse.sink.alert;

import java.util.Map;

/**
 * Where {@link AlertNotifier} keeps its {@link AlertState}s, keyed by the alert's labels, so that a
 * restarted sink neither pages again (it re-sends a firing alert with its original
 * {@code startsAt}, which Alertmanager already holds) nor loses a resolve (a resolved state stays
 * until every Alertmanager accepted it, and is re-sent after a restart).
 *
 * <p>This session: {@link InMemoryAlertStateStore}. Planned: a Kafka compacted topic
 * {@code flowpulse.alert-state}, key = the labels as sorted JSON, value = the state as JSON,
 * {@link #remove} = a tombstone; {@link #load} reads it from the beginning to the end offsets seen
 * at start ({@code read_committed}); {@link #put} and {@link #remove} return once the write is
 * acknowledged ({@code acks=all}, idempotent producer), because the notifier records a state
 * <em>before</em> it pushes it. Replicas follow the topic, so the first writer's {@code startsAt}
 * is everyone's.
 *
 * <p>Implementations are called from the notifier's thread and from push completions; they must
 * be thread safe.
 */
public interface AlertStateStore {

    /** Every state recorded, as of now. Called once, when the notifier is created. */
    Map<Map<String, String>, AlertState> load();

    /** Records (or replaces) the state of the alert with {@code state.labels()}. */
    void put(AlertState state);

    /** Forgets the alert: its resolve reached every Alertmanager. */
    void remove(Map<String, String> labels);
}
