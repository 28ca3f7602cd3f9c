package dev.flowpulse.sink.alert;

import dev.flowpulse.contract.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The validated alert rules file ({@code FLOWPULSE_ALERT_RULES}; by default the documented file
 * shipped as the resource {@value #DEFAULT_RESOURCE}, identical to
 * {@code deploy/flowpulse-alert-rules.yml}). Parsing reports every problem of the file at once, in
 * one {@link ConfigException}: rule number, name, field and what is wrong. Immutable.
 */
public record AlertRules(List<AlertRule> rules) {

    public static final String DEFAULT_RESOURCE = "flowpulse-alert-rules.yml";

    public AlertRules {
        rules = List.copyOf(rules);
    }

    /** Parses {@code yaml}; {@code source} names the file in messages. Throws {@link ConfigException}. */
    public static AlertRules parse(String yaml, String source) {
        List<String> problems = new ArrayList<>();
        AlertRules rules = parse(yaml, source, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return rules;
    }

    /** Parses {@code yaml}, adding every problem to {@code problems} (then the result holds only the valid rules). */
    public static AlertRules parse(String yaml, String source, List<String> problems) {
        return new AlertRules(new AlertRuleParser(source, problems).parse(yaml));
    }

    /** Reads and parses a rules file, adding problems (including an unreadable file) to {@code problems}. */
    public static AlertRules load(Path file, List<String> problems) {
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(
                    file + ": cannot read the alert rules file (" + e.getClass().getSimpleName() + ")");
            return new AlertRules(List.of());
        }
        return parse(yaml, file.toString(), problems);
    }

    /** The rules file shipped with flowpulse. */
    public static AlertRules defaults() {
        return parse(defaultText(), DEFAULT_RESOURCE);
    }

    /** The text of the shipped rules file. */
    public static String defaultText() {
        try (InputStream in = Objects.requireNonNull(
                AlertRules.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE), DEFAULT_RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every window a rule looks back over: what the topology must aggregate for these rules. */
    public Set<Duration> windows() {
        Set<Duration> windows = new TreeSet<>();
        for (AlertRule rule : rules) {
            if (rule.window() != null) {
                windows.add(rule.window());
            }
        }
        return windows;
    }

    /** The rule names, in file order. */
    public List<String> names() {
        return rules.stream().map(AlertRule::name).toList();
    }
}
