package dev.flowpulse.sink.alert;

import java.util.List;
import java.util.Map;

/**
 * Where {@link AlertNotifier} keeps its {@link AlertState}s, keyed by the alert's labels, so that a
 * restarted sink neither pages again (it re-sends a firing alert with its original
 * {@code startsAt}, which Alertmanager already holds) nor loses a resolve (a resolved state stays
 * until every Alertmanager accepted it, and is re-sent after a restart).
 *
 * <p>The running sink uses {@link KafkaAlertStateStore} (a compacted topic that every replica
 * writes and follows, so {@link #changes} reports the other replicas' writes);
 * {@link InMemoryAlertStateStore} is for tests and has no other writer.
 *
 * <p>Implementations are called from the notifier's thread and from push completions; they must
 * be thread safe.
 */
public interface AlertStateStore {

    /** A state another writer recorded: {@code state} is null for a removal (a tombstone). */
    record Change(Map<String, String> labels, AlertState state) {}

    /** Every state recorded, as of now. Called once, when the notifier is created. */
    Map<Map<String, String>, AlertState> load();

    /** Records (or replaces) the state of the alert with {@code state.labels()}. */
    void put(AlertState state);

    /** Forgets the alert: its resolve reached every Alertmanager. */
    void remove(Map<String, String> labels);

    /**
     * What other writers recorded since {@link #load} or the last call, in the store's order, without
     * this store's own writes and without anything an own later write of the same alert supersedes.
     * Default: nothing (a store nobody else writes).
     */
    default List<Change> changes() {
        return List.of();
    }
}
