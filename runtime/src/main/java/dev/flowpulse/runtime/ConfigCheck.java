package dev.flowpulse.runtime;

import dev.flowpulse.contract.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Validates several configurations in one pass: each {@link #read} runs one {@code fromEnv}, keeps
 * its problems and carries on, and {@link #check} then throws one {@link ConfigException} with all
 * of them. A problem several configurations share (e.g. {@code KAFKA_BOOTSTRAP_SERVERS is
 * required}) is reported once.
 *
 * <p>Use: read everything, call {@link #check}, and only then use the values ({@link #read}
 * returns null for a configuration with problems). Not thread safe.
 */
public final class ConfigCheck {

    private final Set<String> problems = new LinkedHashSet<>();

    /** Runs {@code reader}; returns its value, or null after recording its problems. */
    public <T> T read(Supplier<T> reader) {
        try {
            return reader.get();
        } catch (ConfigException e) {
            problems.addAll(e.problems());
            return null;
        }
    }

    public void add(ConfigException e) {
        problems.addAll(e.problems());
    }

    /** Throws one {@link ConfigException} listing every problem recorded so far. */
    public void check() {
        if (!problems.isEmpty()) {
            throw new ConfigException(new ArrayList<>(problems));
        }
    }
}
