package dev.flowpulse.sink.alert;

import java.time.Duration;
import java.util.Locale;

/**
 * How {@code {{ .value }}}, {@code {{ .threshold }}} and {@code {{ .window }}} read in an
 * annotation: a ratio as a percentage ({@code 60%}), a count as a whole number, a duration as
 * {@code 2h 5m}, {@code 12m 30s} or {@code 45s}. Pure.
 */
final class AlertValues {

    private AlertValues() {}

    static String format(AlertKind.Threshold type, double value) {
        return switch (type) {
            case RATIO -> percent(value);
            case COUNT -> Long.toString(Math.round(value));
            case DURATION -> duration(Duration.ofMillis(Math.round(value * 1000)));
        };
    }

    static String percent(double ratio) {
        double pct = ratio * 100;
        return pct == Math.rint(pct)
                ? String.format(Locale.ROOT, "%d%%", Math.round(pct))
                : String.format(Locale.ROOT, "%.1f%%", pct);
    }

    static String duration(Duration d) {
        long s = d.toSeconds();
        if (s < 1) {
            return d.toMillis() + "ms";
        }
        long days = s / 86400;
        long hours = s % 86400 / 3600;
        long minutes = s % 3600 / 60;
        long seconds = s % 60;
        if (days > 0) {
            return days + "d" + (hours > 0 ? " " + hours + "h" : "");
        }
        if (hours > 0) {
            return hours + "h" + (minutes > 0 ? " " + minutes + "m" : "");
        }
        if (minutes > 0) {
            return minutes + "m" + (seconds > 0 ? " " + seconds + "s" : "");
        }
        return seconds + "s";
    }
}
