package dev.flowpulse.local;

import dev.flowpulse.contract.EnvReader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The local launcher's own settings, read from the environment. The services' settings are read
 * by {@link PipelineConfig} from {@link #pipelineEnv}.
 *
 * @param home             {@code FLOWPULSE_LOCAL_DIR}, default {@code .flowpulse/local}: broker data and streams state
 * @param seed             {@code FLOWPULSE_SIMULATOR_SEED}, default 42
 * @param runsPerSecond    {@code FLOWPULSE_SIMULATOR_RUNS_PER_SECOND}, default 2, above 0
 * @param httpHost         {@code FLOWPULSE_SINK_HTTP_HOST}, default 127.0.0.1 (the launcher is for this machine)
 * @param httpPort         {@code FLOWPULSE_SINK_HTTP_PORT}, default 9400; a free port if it is taken
 * @param embeddedBroker   {@code KAFKA_BOOTSTRAP_SERVERS} is unset: start a broker in this process
 * @param simulatedPrefect neither {@code PREFECT_API_URL} nor {@code FLOWPULSE_SOURCES} (several
 *                         Prefect sources, see ingest) is set: start the Prefect simulator
 */
public record LocalConfig(
        Path home,
        long seed,
        double runsPerSecond,
        String httpHost,
        int httpPort,
        boolean embeddedBroker,
        boolean simulatedPrefect) {

    public static final String KAFKA_BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
    public static final String PREFECT_API_URL = "PREFECT_API_URL";
    public static final String FLOWPULSE_SOURCES = "FLOWPULSE_SOURCES";

    /**
     * Stand-ins for the addresses the embedded broker and the simulator get when they start: of
     * the same form, so validating with them finds exactly the problems the real values would.
     */
    static final String PLACEHOLDER_BOOTSTRAP = "127.0.0.1:9092";

    static final String PLACEHOLDER_API_URL = "http://127.0.0.1:4200/api";

    /** Reads the launcher's settings; one {@link dev.flowpulse.contract.ConfigException} names every problem. */
    public static LocalConfig fromEnv(Map<String, String> env) {
        EnvReader reader = new EnvReader(env);
        Path home = Path.of(reader.string("FLOWPULSE_LOCAL_DIR", ".flowpulse/local"));
        long seed = 42;
        String seedText = reader.string("FLOWPULSE_SIMULATOR_SEED", null);
        if (seedText != null) {
            try {
                seed = Long.parseLong(seedText);
            } catch (NumberFormatException e) {
                reader.problem("FLOWPULSE_SIMULATOR_SEED must be an integer, got '" + seedText + "'");
            }
        }
        double rate = 2;
        String rateText = reader.string("FLOWPULSE_SIMULATOR_RUNS_PER_SECOND", null);
        if (rateText != null) {
            try {
                rate = Double.parseDouble(rateText);
            } catch (NumberFormatException e) {
                rate = Double.NaN;
            }
            if (!(rate > 0 && rate <= 1000)) {
                reader.problem("FLOWPULSE_SIMULATOR_RUNS_PER_SECOND must be a number above 0 and at most 1000, got '"
                        + rateText + "'");
            }
        }
        String host = reader.string("FLOWPULSE_SINK_HTTP_HOST", "127.0.0.1");
        int port = reader.integer("FLOWPULSE_SINK_HTTP_PORT", 9400, 0);
        if (port > 65535) {
            reader.problem("FLOWPULSE_SINK_HTTP_PORT must be <= 65535, got " + port);
        }
        reader.check();
        return new LocalConfig(
                home, seed, rate, host, port, !isSet(env, KAFKA_BOOTSTRAP_SERVERS), !externalPrefect(env));
    }

    /**
     * The environment the services read: the launcher's defaults added (streams state under
     * {@link #home}, the sink on {@link #httpHost}). The broker and simulator addresses are added
     * when those start.
     */
    public Map<String, String> pipelineEnv(Map<String, String> env) {
        Map<String, String> merged = new HashMap<>(env);
        if (!isSet(env, "FLOWPULSE_STATE_DIR")) {
            merged.put("FLOWPULSE_STATE_DIR", home.resolve("streams-state").toString());
        }
        if (!isSet(env, "FLOWPULSE_SINK_HTTP_HOST")) {
            merged.put("FLOWPULSE_SINK_HTTP_HOST", httpHost);
        }
        return merged;
    }

    /** {@code env} with placeholders for the addresses the launcher provides, for validation before anything starts. */
    static Map<String, String> withPlaceholders(Map<String, String> env) {
        Map<String, String> merged = new HashMap<>(env);
        if (!isSet(env, KAFKA_BOOTSTRAP_SERVERS)) {
            merged.put(KAFKA_BOOTSTRAP_SERVERS, PLACEHOLDER_BOOTSTRAP);
        }
        if (!externalPrefect(env)) {
            merged.put(PREFECT_API_URL, PLACEHOLDER_API_URL);
        }
        return merged;
    }

    /** A real Prefect: one source ({@code PREFECT_API_URL}) or several ({@code FLOWPULSE_SOURCES}, read by ingest). */
    static boolean externalPrefect(Map<String, String> env) {
        return isSet(env, PREFECT_API_URL) || isSet(env, FLOWPULSE_SOURCES);
    }

    static boolean isSet(Map<String, String> env, String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }
}
