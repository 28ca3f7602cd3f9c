package dev.flowpulse.sink.alert;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flowpulse.contract.EnvReader;
import dev.flowpulse.contract.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Validates the rules file field by field and collects every problem rather than stopping at the
 * first: an operator fixes the whole file in one go. One parser per file; not thread safe.
 */
final class AlertRuleParser {

    static final Set<String> KEYS = Set.of(
            "name", "kind", "by", "window", "threshold", "min_finished", "match", "severity", "labels", "annotations");
    static final String DEFAULT_SEVERITY = "warning";

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SEVERITY = Pattern.compile("[A-Za-z0-9_-]+");

    private final String source;
    private final List<String> problems;
    private String where;

    AlertRuleParser(String source, List<String> problems) {
        this.source = source;
        this.problems = problems;
    }

    List<AlertRule> parse(String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            problems.add(source + ": not valid YAML (" + Json.describe(e) + ")");
            return List.of();
        }
        if (root == null || root.isMissingNode() || root.isNull() || !root.isObject()) {
            problems.add(source + ": expected a mapping with a 'rules:' list");
            return List.of();
        }
        root.fieldNames().forEachRemaining(k -> {
            if (!k.equals("rules")) {
                problems.add(source + ": unknown top-level key '" + k + "' (only 'rules')");
            }
        });
        JsonNode list = root.get("rules");
        if (list == null || !(list.isArray() || list.isNull())) {
            problems.add(source + ": 'rules' must be a list");
            return List.of();
        }
        List<AlertRule> rules = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            AlertRule rule = rule(i + 1, list.get(i), names);
            if (rule != null) {
                rules.add(rule);
            }
        }
        return rules;
    }

    private AlertRule rule(int number, JsonNode node, Map<String, Integer> names) {
        where = source + ": rule " + number;
        if (!node.isObject()) {
            problem(null, "must be a mapping of " + new TreeSet<>(KEYS));
            return null;
        }
        String name = text(node, "name");
        where = source + ": rule " + number + " (" + (name == null ? "unnamed" : name) + ")";
        int before = problems.size();
        node.fieldNames().forEachRemaining(k -> {
            if (!KEYS.contains(k)) {
                problem(k, "unknown key (known: " + new TreeSet<>(KEYS) + ")");
            }
        });
        if (name == null) {
            problem("name", "missing");
        } else if (!NAME.matcher(name).matches()) {
            problem("name", "must match " + NAME.pattern() + " (it is the alertname)");
        } else if (names.putIfAbsent(name, number) != null) {
            problem("name", "duplicate of rule " + names.get(name));
        }
        AlertKind kind = enumValue(
                node, "kind", AlertKind::of, "failure_ratio, failures, slow_run, duration_p95, stuck, no_success");
        ScopeDimension by = enumValue(node, "by", ScopeDimension::of, "flow, deployment, work_pool, tag, team");
        Duration window = kind == null ? null : window(node, kind);
        if (kind == null && !node.has("threshold")) {
            problem("threshold", "missing");
        }
        double threshold = kind == null ? 0 : threshold(node, kind);
        int minFinished = minFinished(node, kind);
        Map<String, Pattern> match = by == null ? Map.of() : match(node, by);
        String severity = text(node, "severity");
        if (node.has("severity")
                && (severity == null || !SEVERITY.matcher(severity).matches())) {
            problem("severity", "must be a word like page, critical, warning");
        }
        Map<String, String> labels = by == null ? Map.of() : labels(node, by);
        Map<String, String> annotations = kind == null || by == null ? Map.of() : annotations(node, kind, by, labels);
        if (problems.size() > before) {
            return null;
        }
        return new AlertRule(
                name,
                kind,
                by,
                window,
                threshold,
                minFinished,
                match,
                severity == null ? DEFAULT_SEVERITY : severity,
                labels,
                annotations);
    }

    private <E> E enumValue(JsonNode node, String field, Function<String, Optional<E>> of, String known) {
        String value = text(node, field);
        if (value == null) {
            problem(field, "missing (one of " + known + ")");
            return null;
        }
        E e = of.apply(value).orElse(null);
        if (e == null) {
            problem(field, "unknown " + field + " '" + value + "' (one of " + known + ")");
        }
        return e;
    }

    private Duration window(JsonNode node, AlertKind kind) {
        if (!kind.windowed()) {
            if (node.has("window")) {
                problem("window", kind.key() + " has no window: its threshold is the duration");
            }
            return null;
        }
        if (!node.has("window")) {
            problem("window", "missing (a duration such as 30s, 15m, 1h, 7d)");
            return null;
        }
        Duration d = duration(node.get("window"));
        if (d == null || d.compareTo(Duration.ofSeconds(1)) < 0) {
            problem("window", "bad duration '" + node.get("window").asText() + "' (1s or more, e.g. 30s, 15m, 1h, 7d)");
        }
        return d;
    }

    private double threshold(JsonNode node, AlertKind kind) {
        JsonNode t = node.get("threshold");
        if (t == null || t.isNull()) {
            problem("threshold", "missing (" + thresholdHint(kind) + ")");
            return 0;
        }
        switch (kind.threshold()) {
            case RATIO -> {
                if (!t.isNumber() || t.asDouble() < 0 || t.asDouble() >= 1) {
                    problem("threshold", "must be a ratio from 0 to below 1, got '" + t.asText() + "'");
                }
                return t.asDouble();
            }
            case COUNT -> {
                if (!t.canConvertToExactIntegral() || t.asLong() < 1) {
                    problem("threshold", "must be a whole number of runs >= 1, got '" + t.asText() + "'");
                }
                return t.asLong();
            }
            default -> {
                Duration d = duration(t);
                if (d == null || d.isZero()) {
                    problem("threshold", "bad duration '" + t.asText() + "' (" + thresholdHint(kind) + ")");
                    return 0;
                }
                return d.toMillis() / 1000.0;
            }
        }
    }

    private static String thresholdHint(AlertKind kind) {
        return switch (kind.threshold()) {
            case RATIO -> "a ratio such as 0.5";
            case COUNT -> "a number of failed runs such as 3";
            case DURATION -> "a duration such as 10m, or seconds";
        };
    }

    private int minFinished(JsonNode node, AlertKind kind) {
        JsonNode m = node.get("min_finished");
        if (m == null) {
            return 1;
        }
        if (kind != null && kind != AlertKind.FAILURE_RATIO) {
            problem("min_finished", "only applies to failure_ratio rules");
        } else if (!m.canConvertToExactIntegral() || m.asLong() < 1 || m.asLong() > Integer.MAX_VALUE) {
            problem("min_finished", "must be a whole number >= 1, got '" + m.asText() + "'");
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, m.asLong()));
    }

    private Map<String, Pattern> match(JsonNode node, ScopeDimension by) {
        Map<String, Pattern> match = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : stringMap(node, "match").entrySet()) {
            if (!by.labels().contains(e.getKey()) && !e.getKey().equals("workspace")) {
                problem(
                        "match",
                        "'" + e.getKey() + "' is not a label of a by: " + by.key() + " scope " + scopeLabels(by));
                continue;
            }
            try {
                match.put(e.getKey(), Pattern.compile(e.getValue()));
            } catch (PatternSyntaxException ex) {
                problem("match", "bad regex for '" + e.getKey() + "': " + ex.getDescription());
            }
        }
        return match;
    }

    private Map<String, String> labels(JsonNode node, ScopeDimension by) {
        Map<String, String> labels = stringMap(node, "labels");
        labels.keySet().removeIf(key -> {
            if (!NAME.matcher(key).matches() || key.startsWith("__")) {
                problem("labels", "'" + key + "' is not a valid label name");
                return true;
            }
            if (reserved(by).contains(key)) {
                problem("labels", "'" + key + "' is set by flowpulse and cannot be overridden");
                return true;
            }
            return false;
        });
        return labels;
    }

    private Map<String, String> annotations(
            JsonNode node, AlertKind kind, ScopeDimension by, Map<String, String> labels) {
        Map<String, String> annotations = stringMap(node, "annotations");
        List<String> known = new ArrayList<>(reserved(by));
        known.addAll(labels.keySet());
        known.add("value");
        known.add("threshold");
        if (kind.windowed()) {
            known.add("window");
        }
        for (Map.Entry<String, String> e : annotations.entrySet()) {
            if (!NAME.matcher(e.getKey()).matches()) {
                problem("annotations", "'" + e.getKey() + "' is not a valid annotation name");
            }
            List<String> malformed = new ArrayList<>();
            for (String name : AnnotationTemplate.names(e.getValue(), malformed)) {
                if (!known.contains(name)) {
                    problem(
                            "annotations",
                            e.getKey() + ": unknown placeholder {{ ." + name + " }} (known: " + known + ")");
                }
            }
            malformed.forEach(m -> problem("annotations", e.getKey() + ": " + m));
        }
        return annotations;
    }

    private Map<String, String> stringMap(JsonNode node, String field) {
        JsonNode m = node.get(field);
        Map<String, String> result = new LinkedHashMap<>();
        if (m == null || m.isNull()) {
            return result;
        }
        if (!m.isObject()) {
            problem(field, "must be a mapping of names to text");
            return result;
        }
        m.properties().forEach(e -> {
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                problem(field, "'" + e.getKey() + "' must be text");
            } else {
                result.put(e.getKey(), e.getValue().asText());
            }
        });
        return result;
    }

    private static List<String> reserved(ScopeDimension by) {
        List<String> reserved = new ArrayList<>(List.of("alertname", "severity", "workspace"));
        reserved.addAll(by.labels());
        return reserved;
    }

    private static List<String> scopeLabels(ScopeDimension by) {
        List<String> labels = new ArrayList<>(by.labels());
        labels.add("workspace");
        return labels;
    }

    /** A duration string ({@code 15m}, {@code PT15M}) or a number of seconds; null if neither. */
    private static Duration duration(JsonNode value) {
        if (value.isNumber()) {
            double seconds = value.asDouble();
            return seconds < 0 ? null : Duration.ofMillis(Math.round(seconds * 1000));
        }
        if (!value.isTextual()) {
            return null;
        }
        Duration d = EnvReader.parseDuration(value.asText());
        return d == null || d.isNegative() ? null : d;
    }

    private String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || !v.isValueNode() || v.isNull() || v.asText().isBlank()
                ? null
                : v.asText().trim();
    }

    private void problem(String field, String what) {
        problems.add(where + (field == null ? "" : ": " + field) + ": " + what);
    }
}
