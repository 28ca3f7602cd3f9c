package dev.flowpulse.ingest;

import dev.flowpulse.contract.ConfigException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Prefect sources one ingest process follows: one per name in {@code FLOWPULSE_SOURCES}, or,
 * without it, the single source of the plain variables ({@code PREFECT_API_URL}, …), exactly as
 * {@link IngestConfig#fromEnv} reads them.
 *
 * <p>Multi-source form: {@code FLOWPULSE_SOURCES=prod,staging}, then per source (name upper-cased,
 * {@code -} → {@code _}) {@code FLOWPULSE_SOURCE_PROD_PREFECT_API_URL} (required),
 * {@code …_PREFECT_API_KEY}, {@code …_PREFECT_API_AUTH_STRING}, {@code …_PREFECT_CLOUD_API_URL},
 * {@code …_WORKSPACE} (default: the source name) and {@code …_INGEST_*} / {@code …_HISTORY_*}
 * overriding {@code FLOWPULSE_INGEST_*} / {@code FLOWPULSE_HISTORY_*} for that source. Precedence:
 * the per-source variable, then the plain {@code FLOWPULSE_INGEST_*} / {@code FLOWPULSE_HISTORY_*}
 * / {@code PREFECT_CLOUD_API_URL} (shared defaults), then the built-in default. Credentials, the
 * API URL and the workspace are never inherited: the plain {@code PREFECT_API_URL},
 * {@code PREFECT_API_KEY}, {@code PREFECT_API_AUTH_STRING} and {@code FLOWPULSE_WORKSPACE} next to
 * {@code FLOWPULSE_SOURCES} are a configuration error, so a key never reaches another server.
 * Shared by all sources: {@code KAFKA_*}, topics, {@code FLOWPULSE_INGEST_HTTP_*}.
 *
 * <p>Every problem of every source is reported in one {@link ConfigException}, naming the
 * variable as the operator wrote it. Immutable.
 *
 * @param sources at least one; workspace names unique
 */
public record IngestSources(List<IngestConfig> sources) {

    public static final String SOURCES = "FLOWPULSE_SOURCES";
    public static final String SOURCE_PREFIX = "FLOWPULSE_SOURCE_";

    private static final Pattern NAME = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    /** Per source only: never taken from the plain variable in the multi-source form. */
    private static final List<String> PER_SOURCE_ONLY =
            List.of("PREFECT_API_URL", "PREFECT_API_KEY", "PREFECT_API_AUTH_STRING", "FLOWPULSE_WORKSPACE");

    private static final Set<String> SHARED_INGEST = Set.of("FLOWPULSE_INGEST_HTTP_HOST", "FLOWPULSE_INGEST_HTTP_PORT");

    public IngestSources {
        sources = List.copyOf(sources);
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("at least one source");
        }
    }

    public static IngestSources of(IngestConfig config) {
        return new IngestSources(List.of(config));
    }

    /** The shared settings (Kafka, topics, HTTP) are the same in every source: the first one's. */
    public IngestConfig first() {
        return sources.get(0);
    }

    /** Reads the sources; throws one {@link ConfigException} listing every problem. */
    public static IngestSources fromEnv(Map<String, String> env) {
        String list = env.get(SOURCES);
        if (list == null || list.isBlank()) {
            return of(IngestConfig.fromEnv(env));
        }
        Set<String> problems = new LinkedHashSet<>();
        List<String> names = new ArrayList<>();
        for (String raw : list.split(",", -1)) {
            String name = raw.trim();
            if (!NAME.matcher(name).matches()) {
                problems.add(SOURCES + ": source names must be non-empty, [a-z0-9-], not start or end with '-', got '"
                        + name + "'");
            } else if (names.contains(name)) {
                problems.add(SOURCES + ": source '" + name + "' is listed twice");
            } else {
                names.add(name);
            }
        }
        for (String plain : PER_SOURCE_ONLY) {
            if (isSet(env, plain)) {
                problems.add(plain + " is set together with " + SOURCES + ": set " + SOURCE_PREFIX + "<NAME>_"
                        + suffix(plain) + " per source instead");
            }
        }
        problems.addAll(unknownSourceVariables(env, names));
        List<IngestConfig> sources = new ArrayList<>();
        Map<String, String> workspaces = new HashMap<>();
        for (String name : names) {
            Map<String, String> origin = new LinkedHashMap<>();
            Map<String, String> view = sourceEnv(env, name, origin);
            try {
                IngestConfig config = IngestConfig.fromEnv(view);
                String other = workspaces.putIfAbsent(config.workspace(), name);
                if (other != null) {
                    problems.add("sources '" + other + "' and '" + name + "' have the same workspace '"
                            + config.workspace() + "' (" + prefix(name) + "WORKSPACE): each needs its own");
                }
                sources.add(config);
            } catch (ConfigException e) {
                for (String problem : e.problems()) {
                    problems.add(rename(problem, origin));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(new ArrayList<>(problems));
        }
        return new IngestSources(sources);
    }

    /** What one source's {@link IngestConfig#fromEnv} reads; {@code origin} maps each variable read to the one set. */
    static Map<String, String> sourceEnv(Map<String, String> env, String name, Map<String, String> origin) {
        Map<String, String> view = new HashMap<>(env);
        view.remove(SOURCES);
        PER_SOURCE_ONLY.forEach(view::remove);
        view.put("FLOWPULSE_WORKSPACE", name);
        PER_SOURCE_ONLY.forEach(plain -> origin.put(plain, prefix(name) + suffix(plain)));
        String prefix = prefix(name);
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!e.getKey().startsWith(prefix) || ownedByLongerName(e.getKey(), name, env)) {
                continue;
            }
            String target = target(e.getKey().substring(prefix.length()));
            if (target != null && (e.getValue() != null && !e.getValue().isBlank())) {
                view.put(target, e.getValue());
                origin.put(target, e.getKey());
            }
        }
        return view;
    }

    /** {@code PREFECT_API_URL} → itself; {@code INGEST_LOOKBACK} → {@code FLOWPULSE_INGEST_LOOKBACK}; else null. */
    static String target(String suffix) {
        return switch (suffix) {
            case "PREFECT_API_URL", "PREFECT_API_KEY", "PREFECT_API_AUTH_STRING", "PREFECT_CLOUD_API_URL" -> suffix;
            case "WORKSPACE" -> "FLOWPULSE_WORKSPACE";
            default -> {
                String full = "FLOWPULSE_" + suffix;
                boolean overridable = (suffix.startsWith("INGEST_") || suffix.startsWith("HISTORY_"))
                        && !SHARED_INGEST.contains(full);
                yield overridable ? full : null;
            }
        };
    }

    private static List<String> unknownSourceVariables(Map<String, String> env, List<String> names) {
        List<String> unknown = new ArrayList<>();
        for (String key : new java.util.TreeSet<>(env.keySet())) {
            if (!key.startsWith(SOURCE_PREFIX) || !isSet(env, key)) {
                continue;
            }
            boolean known = names.stream()
                    .anyMatch(n -> key.startsWith(prefix(n))
                            && target(key.substring(prefix(n).length())) != null);
            if (!known) {
                unknown.add(key + " belongs to no source in " + SOURCES + " or is not a per-source setting"
                        + " (PREFECT_API_URL, PREFECT_API_KEY, PREFECT_API_AUTH_STRING, PREFECT_CLOUD_API_URL,"
                        + " WORKSPACE, INGEST_*, HISTORY_*)");
            }
        }
        return unknown;
    }

    /** With sources {@code a} and {@code a-b}, {@code FLOWPULSE_SOURCE_A_B_…} belongs to {@code a-b}. */
    private static boolean ownedByLongerName(String key, String name, Map<String, String> env) {
        String list = env.get(SOURCES);
        for (String other : list.split(",")) {
            String o = other.trim();
            if (o.length() > name.length()
                    && key.startsWith(prefix(o))
                    && prefix(o).startsWith(prefix(name))) {
                return true;
            }
        }
        return false;
    }

    /** Problems name the variable the operator set: {@code PREFECT_API_URL} → {@code FLOWPULSE_SOURCE_PROD_PREFECT_API_URL}. */
    private static String rename(String problem, Map<String, String> origin) {
        String renamed = problem;
        for (Map.Entry<String, String> e : origin.entrySet()) {
            if (!e.getKey().equals(e.getValue())) {
                renamed = renamed.replaceAll(
                        "(?<![A-Z0-9_])" + Pattern.quote(e.getKey()) + "(?![A-Z0-9_])",
                        Matcher.quoteReplacement(e.getValue()));
            }
        }
        return renamed;
    }

    static String prefix(String name) {
        return SOURCE_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
    }

    private static String suffix(String plain) {
        return plain.equals("FLOWPULSE_WORKSPACE") ? "WORKSPACE" : plain;
    }

    private static boolean isSet(Map<String, String> env, String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }

    @Override
    public String toString() {
        return "IngestSources" + sources;
    }
}
