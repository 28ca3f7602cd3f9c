package dev.flowpulse.simulator.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Prefect's {@code ResourceSpecification}: label name → accepted values. A value may start with
 * {@code !} (negation) and may use {@code *} / {@code ?} globs (Prefect itself honours a trailing
 * {@code *}; the glob form is a superset). A resource matches when, for every label, any value matches;
 * a missing label never matches, not even a negated value (Prefect's {@code matches()}).
 *
 * @param raw the JSON as given, kept so the filter can be dumped back exactly (page tokens)
 */
public record LabelSpec(Map<String, List<String>> values, JsonNode raw) {

    public LabelSpec {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public boolean matches(Map<String, String> resource) {
        for (Map.Entry<String, List<String>> label : values.entrySet()) {
            String actual = resource.get(label.getKey());
            if (label.getValue().stream().noneMatch(expected -> matches(expected, actual))) {
                return false;
            }
        }
        return true;
    }

    /** One expected value against one actual label value. */
    public static boolean matches(String expected, String actual) {
        if (actual == null) {
            return false;
        }
        boolean positive = true;
        String pattern = expected;
        if (pattern.startsWith("!")) {
            positive = false;
            pattern = pattern.substring(1);
        }
        boolean match = pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0
                ? actual.equals(pattern)
                : glob(pattern).matcher(actual).matches();
        return positive == match;
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
