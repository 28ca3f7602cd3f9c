package dev.flowpulse.contract;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed settings from an environment map and collects every problem, so a service reports
 * all of its bad variables in one {@link ConfigException} instead of failing on the first.
 * Blank values count as unset. Messages name the variable and, for secrets, never the value.
 *
 * <p>Not thread safe; use one per config build.
 */
public final class EnvReader {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    public EnvReader(Map<String, String> env) {
        this.env = Objects.requireNonNull(env, "env");
    }

    public String string(String name, String defaultValue) {
        String v = env.get(name);
        return v == null || v.isBlank() ? defaultValue : v.trim();
    }

    public String required(String name) {
        String v = string(name, null);
        if (v == null) {
            problems.add(name + " is required");
        }
        return v;
    }

    public Secret secret(String name) {
        return Secret.ofNullable(env.get(name));
    }

    public int integer(String name, int defaultValue, int min) {
        String v = string(name, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(v);
            if (parsed < min) {
                problems.add(name + " must be >= " + min + ", got " + parsed);
                return defaultValue;
            }
            return parsed;
        } catch (NumberFormatException e) {
            problems.add(name + " must be an integer, got '" + v + "'");
            return defaultValue;
        }
    }

    public boolean bool(String name, boolean defaultValue) {
        String v = string(name, null);
        if (v == null) {
            return defaultValue;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> {
                return true;
            }
            case "false", "0", "no" -> {
                return false;
            }
            default -> {
                problems.add(name + " must be true or false, got '" + v + "'");
                return defaultValue;
            }
        }
    }

    /** Accepts {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 7d} or ISO-8601 ({@code PT5M}). */
    public Duration duration(String name, Duration defaultValue) {
        String v = string(name, null);
        if (v == null) {
            return defaultValue;
        }
        Duration d = parseDuration(v);
        if (d == null || d.isNegative()) {
            problems.add(name + " must be a duration like 30s, 5m, 1h or PT5M, got '" + v + "'");
            return defaultValue;
        }
        return d;
    }

    /** As {@link #duration}, and zero is a problem too (timeouts, intervals). */
    public Duration positiveDuration(String name, Duration defaultValue) {
        Duration d = duration(name, defaultValue);
        if (d.isZero()) {
            problems.add(name + " must be greater than zero");
            return defaultValue;
        }
        return d;
    }

    /**
     * An absolute http(s) URL; a trailing slash is removed. A problem names the variable and what is
     * wrong, never the value: a URL may carry credentials ({@code user:pass@}, a token in the query).
     */
    public URI httpUrl(String name, String defaultValue) {
        String v = string(name, defaultValue);
        if (v == null) {
            return null;
        }
        try {
            URI uri = new URI(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                problems.add(name + " must be an absolute http:// or https:// URL ("
                        + (scheme.isEmpty() ? "no scheme" : "scheme is not http or https") + ")");
                return null;
            }
            if (uri.getHost() == null) {
                problems.add(name + " must be an absolute http:// or https:// URL (no valid host name)");
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            // getReason() describes the problem without the input; getMessage() would quote it.
            String at = e.getIndex() < 0 ? "" : " at character " + (e.getIndex() + 1);
            problems.add(name + " is not a valid URL: " + e.getReason() + at);
            return null;
        }
    }

    public void problem(String message) {
        problems.add(message);
    }

    /** Throws one {@link ConfigException} listing every problem seen so far. */
    public void check() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    public static Duration parseDuration(String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        if (v.startsWith("pt") || v.startsWith("p")) {
            try {
                return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                return null;
            }
        }
        Matcher m = DURATION.matcher(v);
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /**
     * Kafka client properties from {@code KAFKA_*} variables, passed straight through:
     * {@code KAFKA_BOOTSTRAP_SERVERS} → {@code bootstrap.servers}, {@code KAFKA_SASL_JAAS_CONFIG} →
     * {@code sasl.jaas.config}. A service's own settings are applied on top of these where it must
     * own them (serdes, processing guarantee); everything else the operator sets wins.
     */
    public static Properties kafkaProperties(Map<String, String> env) {
        Properties props = new Properties();
        env.forEach((k, v) -> {
            if (k.startsWith("KAFKA_") && k.length() > 6 && v != null && !v.isBlank()) {
                props.put(k.substring(6).toLowerCase(Locale.ROOT).replace('_', '.'), v.trim());
            }
        });
        return props;
    }
}
