package dev.flowpulse.contract;

import java.util.List;

/** Every missing or invalid configuration variable, reported at once. Never carries a secret's value. */
public final class ConfigException extends RuntimeException {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super("Invalid configuration:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
