package dev.flowpulse.simulator;

import dev.flowpulse.contract.ConfigException;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Prefect simulator standalone with live traffic: {@code java -jar flowpulse-simulator.jar}.
 * Configuration: {@link SimulatorConfig}. Stops cleanly on SIGTERM/SIGINT.
 */
public final class SimulatorMain {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatorMain.class);

    private SimulatorMain() {}

    public static void main(String[] args) {
        SimulatorConfig config;
        try {
            config = SimulatorConfig.fromEnv(System.getenv());
        } catch (ConfigException e) {
            LOG.error("{}", e.getMessage());
            System.exit(2);
            return;
        }
        PrefectSimulator simulator = config.toSimulator();
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            simulator.start();
        } catch (IOException e) {
            LOG.error("Cannot bind {}:{}: {}", config.host(), config.port(), e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            LOG.info("Stopping the Prefect simulator");
                            simulator.close();
                            stopped.countDown();
                        },
                        "prefect-sim-shutdown"));
        if (config.runsPerSecond() > 0) {
            simulator.startLiveTraffic(config.seed(), config.runsPerSecond());
        }
        LOG.info(
                "Prefect simulator ready: PREFECT_API_URL={} seed={} runs/s={}",
                simulator.apiUrl(),
                config.seed(),
                config.runsPerSecond());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
