package dev.flowpulse.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads samples out of the Prometheus text exposition format, for assertions on scraped
 * {@code /metrics}. Handles quoted label values with escapes; skips comments. Not a validator:
 * {@link Promtool} is the real linter.
 */
public final class PrometheusText {

    /** One sample line: metric name, labels (sorted), value. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    private PrometheusText() {}

    public static List<Sample> parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            samples.add(parseLine(line.strip()));
        }
        return samples;
    }

    /** The value of the sample with exactly this name and these labels, if present. */
    public static Optional<Double> value(List<Sample> samples, String name, Map<String, String> labels) {
        Map<String, String> wanted = new TreeMap<>(labels);
        return samples.stream()
                .filter(s -> s.name().equals(name) && s.labels().equals(wanted))
                .map(Sample::value)
                .findFirst();
    }

    /** All samples of one metric name. */
    public static List<Sample> named(List<Sample> samples, String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    private static Sample parseLine(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        Map<String, String> labels = new TreeMap<>();
        String name;
        String rest;
        if (brace >= 0 && (space < 0 || brace < space)) {
            name = line.substring(0, brace);
            int i = brace + 1;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String key = line.substring(i, eq).strip();
                StringBuilder value = new StringBuilder();
                int j = eq + 2; // skip ="
                while (line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char n = line.charAt(++j);
                        value.append(n == 'n' ? '\n' : n);
                    } else {
                        value.append(c);
                    }
                    j++;
                }
                labels.put(key, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            rest = line.substring(i + 1).strip();
        } else {
            name = line.substring(0, space);
            rest = line.substring(space + 1).strip();
        }
        String valueText = rest.split(" ")[0];
        double value = switch (valueText) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(valueText);
        };
        return new Sample(name, labels, value);
    }

    /** Labels as an ordered map literal, for readable test code: {@code labels("flow", "etl", "state", "Running")}. */
    public static Map<String, String> labels(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }
}
