package dev.flowpulse.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The one way ingest's labelled counters are built: registering again returns the same counter. */
public final class Counters {

    private Counters() {}

    /**
     * The counter {@code name} with {@code tags} (key, value, key, value, …), registered in
     * {@code registry} on first use.
     */
    public static Counter of(MeterRegistry registry, String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }
}
