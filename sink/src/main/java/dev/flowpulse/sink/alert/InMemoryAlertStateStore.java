package dev.flowpulse.sink.alert;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link AlertStateStore} in this process's memory: alert state does not survive a restart.
 * Thread safe.
 */
public final class InMemoryAlertStateStore implements AlertStateStore {

    private final Map<Map<String, String>, AlertState> states = new ConcurrentHashMap<>();

    @Override
    public Map<Map<String, String>, AlertState> load() {
        return new LinkedHashMap<>(states);
    }

    @Override
    public void put(AlertState state) {
        states.put(state.labels(), state);
    }

    @Override
    public void remove(Map<String, String> labels) {
        states.remove(labels);
    }
}
