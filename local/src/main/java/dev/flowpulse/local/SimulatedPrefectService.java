package dev.flowpulse.local;

import dev.flowpulse.runtime.FatalErrorListener;
import dev.flowpulse.runtime.Service;
import dev.flowpulse.simulator.PrefectSimulator;
import java.io.IOException;
import java.util.Map;

/**
 * The local run's Prefect: the simulator on 127.0.0.1 and a free port, with seeded live traffic.
 * Once it listens, its API URL is put into the services' environment as {@code PREFECT_API_URL}.
 *
 * <p>Start and close from one thread.
 */
final class SimulatedPrefectService implements Service {

    private final long seed;
    private final double runsPerSecond;
    private final Map<String, String> pipelineEnv;
    private PrefectSimulator simulator;

    SimulatedPrefectService(long seed, double runsPerSecond, Map<String, String> pipelineEnv) {
        this.seed = seed;
        this.runsPerSecond = runsPerSecond;
        this.pipelineEnv = pipelineEnv;
    }

    @Override
    public String name() {
        return "prefect-simulator";
    }

    @Override
    public void start(FatalErrorListener fatal) throws IOException {
        simulator = PrefectSimulator.builder().build().start();
        simulator.startLiveTraffic(seed, runsPerSecond);
        pipelineEnv.put(LocalConfig.PREFECT_API_URL, simulator.apiUrl().toString());
    }

    /** Stops the traffic and the server. */
    @Override
    public void close() {
        if (simulator != null) {
            simulator.close();
        }
    }
}
