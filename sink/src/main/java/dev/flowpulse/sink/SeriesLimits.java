package dev.flowpulse.sink;

import dev.flowpulse.contract.EnvReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The cardinality guard's settings for the {@code prefect_*} families (see {@link CardinalityGuard}).
 * Immutable.
 *
 * @param maxSeries {@code FLOWPULSE_SINK_MAX_SERIES}, default 10000: series of their own per family;
 *                  further series are folded into the overflow series
 * @param labels    {@code FLOWPULSE_SINK_SERIES_LABELS}, default {@code flow,deployment,work_pool,state}:
 *                  which of these labels the families carry; a dropped label is summed away
 *                  ({@code state_type} is always kept)
 * @param allow     {@code FLOWPULSE_SINK_ALLOW_<LABEL>}: a value must match this regex in full, or is folded
 * @param deny      {@code FLOWPULSE_SINK_DENY_<LABEL>}: a value matching this regex in full is folded
 */
public record SeriesLimits(int maxSeries, Set<String> labels, Map<String, Pattern> allow, Map<String, Pattern> deny) {

    public static final int DEFAULT_MAX_SERIES = 10_000;
    /** The labels an operator may drop or filter, in the families' order. */
    public static final List<String> OPTIONAL_LABELS = List.of("flow", "deployment", "work_pool", "state");
    /** What a folded label value becomes. */
    public static final String OVERFLOW = "__overflow__";

    public SeriesLimits {
        if (maxSeries < 1) {
            throw new IllegalArgumentException("maxSeries must be >= 1");
        }
        labels = Set.copyOf(labels);
        allow = Map.copyOf(allow);
        deny = Map.copyOf(deny);
    }

    public static SeriesLimits defaults() {
        return new SeriesLimits(DEFAULT_MAX_SERIES, Set.copyOf(OPTIONAL_LABELS), Map.of(), Map.of());
    }

    /** Reads the settings, adding every problem to {@code reader}. */
    public static SeriesLimits read(EnvReader reader) {
        int max = reader.integer("FLOWPULSE_SINK_MAX_SERIES", DEFAULT_MAX_SERIES, 1);
        List<String> labels = new ArrayList<>();
        for (String l : reader.string("FLOWPULSE_SINK_SERIES_LABELS", String.join(",", OPTIONAL_LABELS))
                .split(",")) {
            String label = l.trim();
            if (label.isEmpty()) {
                continue;
            }
            if (!OPTIONAL_LABELS.contains(label)) {
                reader.problem("FLOWPULSE_SINK_SERIES_LABELS: unknown label '" + label + "' (known: "
                        + String.join(", ", OPTIONAL_LABELS) + ")");
            } else {
                labels.add(label);
            }
        }
        Map<String, Pattern> allow = new LinkedHashMap<>();
        Map<String, Pattern> deny = new LinkedHashMap<>();
        for (String label : OPTIONAL_LABELS) {
            pattern(reader, "FLOWPULSE_SINK_ALLOW_" + label.toUpperCase(Locale.ROOT), label, allow);
            pattern(reader, "FLOWPULSE_SINK_DENY_" + label.toUpperCase(Locale.ROOT), label, deny);
        }
        return new SeriesLimits(max, Set.copyOf(labels), allow, deny);
    }

    /** The value served for {@code label}: itself, or {@link #OVERFLOW} if not allowed or denied. */
    String shape(String label, String value) {
        Pattern a = allow.get(label);
        Pattern d = deny.get(label);
        boolean refused = a != null && !a.matcher(value).matches()
                || d != null && d.matcher(value).matches();
        return refused ? OVERFLOW : value;
    }

    private static void pattern(EnvReader reader, String variable, String label, Map<String, Pattern> into) {
        String regex = reader.string(variable, null);
        if (regex == null) {
            return;
        }
        try {
            into.put(label, Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
            reader.problem(variable + " is not a valid regex: " + e.getDescription());
        }
    }
}
