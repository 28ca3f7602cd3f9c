package dev.flowpulse.contract;

import java.time.Instant;
import java.util.Map;

/**
 * Key of the window-stats topic: which group (by {@code dimension}: {@code flow} →
 * {@code {flow}}, {@code deployment} → {@code {flow, deployment}}) and which event-time window.
 */
public record WindowKey(String dimension, Map<String, String> group, Instant windowStart, long windowSizeSeconds) {

    public WindowKey {
        group = group == null ? Map.of() : Map.copyOf(group);
    }
}
