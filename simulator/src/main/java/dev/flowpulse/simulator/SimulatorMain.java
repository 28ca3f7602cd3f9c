package dev.flowpulse.simulator;

import dev.flowpulse.runtime.LogLevel;
import dev.flowpulse.runtime.Service;
import dev.flowpulse.runtime.ServiceRunner;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Runs the Prefect simulator standalone with live traffic ({@code java -jar flowpulse-simulator.jar})
 * through the same {@link ServiceRunner} as the flowpulse services: every variable of {@link
 * SimulatorConfig} validated at once (exit 2), then the server and its traffic started until
 * SIGTERM (exit 0); a failure to bind exits 1.
 */
public final class SimulatorMain {

    private SimulatorMain() {}

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        LogLevel.configure(env); // before the first logger
        System.exit(new ServiceRunner("flowpulse simulator").run(env, SimulatorMain::services));
    }

    /** The simulator's settings, validated in one pass; then one service: the server and (rate above 0) its traffic. */
    static List<Service> services(Map<String, String> env) {
        SimulatorConfig config = SimulatorConfig.fromEnv(env);
        PrefectSimulator simulator = config.toSimulator();
        return List.of(Service.of(
                "prefect-simulator",
                () -> {
                    simulator.start();
                    if (config.runsPerSecond() > 0) {
                        simulator.startLiveTraffic(config.seed(), config.runsPerSecond());
                    }
                    LoggerFactory.getLogger(SimulatorMain.class)
                            .info(
                                    "Prefect simulator ready: PREFECT_API_URL={} seed={} runs/s={}",
                                    simulator.apiUrl(),
                                    config.seed(),
                                    config.runsPerSecond());
                },
                simulator::close)); // also stops the live traffic
    }
}
