package dev.flowpulse.simulator;

import dev.flowpulse.contract.EnvReader;
import dev.flowpulse.contract.Secret;
import java.time.Duration;
import java.util.Map;

/**
 * The standalone simulator's settings, read from the environment.
 *
 * <ul>
 *   <li>{@code FLOWPULSE_SIMULATOR_HOST} (default {@code 0.0.0.0})</li>
 *   <li>{@code FLOWPULSE_SIMULATOR_PORT} (default 4200, Prefect's port)</li>
 *   <li>{@code FLOWPULSE_SIMULATOR_SEED} (default 42)</li>
 *   <li>{@code FLOWPULSE_SIMULATOR_RUNS_PER_SECOND} (default 2; 0 disables live traffic)</li>
 *   <li>{@code PREFECT_SERVER_API_AUTH_STRING} (optional; enables self-hosted basic auth)</li>
 *   <li>{@code PREFECT_SERVER_EVENTS_MAXIMUM_WEBSOCKET_BACKFILL} (default 15m)</li>
 * </ul>
 * Immutable; {@link #toString()} never shows the auth string.
 */
public record SimulatorConfig(
        String host, int port, long seed, double runsPerSecond, Secret authString, Duration backfillWindow) {

    public static SimulatorConfig fromEnv(Map<String, String> env) {
        EnvReader reader = new EnvReader(env);
        String host = reader.string("FLOWPULSE_SIMULATOR_HOST", "0.0.0.0");
        int port = reader.integer("FLOWPULSE_SIMULATOR_PORT", 4200, 0);
        if (port > 65535) {
            reader.problem("FLOWPULSE_SIMULATOR_PORT must be <= 65535, got " + port);
        }
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
                if (!(rate >= 0) || rate > 1000) {
                    reader.problem("FLOWPULSE_SIMULATOR_RUNS_PER_SECOND must be between 0 and 1000, got " + rateText);
                }
            } catch (NumberFormatException e) {
                reader.problem("FLOWPULSE_SIMULATOR_RUNS_PER_SECOND must be a number, got '" + rateText + "'");
            }
        }
        Secret auth = reader.secret("PREFECT_SERVER_API_AUTH_STRING");
        Duration backfill = reader.duration("PREFECT_SERVER_EVENTS_MAXIMUM_WEBSOCKET_BACKFILL", Duration.ofMinutes(15));
        reader.check();
        return new SimulatorConfig(host, port, seed, rate, auth, backfill);
    }

    /** A simulator built from these settings (not started). */
    public PrefectSimulator toSimulator() {
        PrefectSimulator.Builder builder =
                PrefectSimulator.builder().host(host).port(port).backfillWindow(backfillWindow);
        if (authString != null) {
            builder.authString(authString.reveal());
        }
        return builder.build();
    }
}
