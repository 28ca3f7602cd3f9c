package dev.flowpulse.local;

import dev.flowpulse.runtime.ConfigCheck;
import dev.flowpulse.runtime.LogLevel;
import dev.flowpulse.runtime.MeterRegistries;
import dev.flowpulse.runtime.MetricsEndpoint;
import dev.flowpulse.runtime.Service;
import dev.flowpulse.runtime.ServiceRunner;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one-command local run ({@code ./run-local.sh}): an in-process KRaft broker (unless {@code
 * KAFKA_BOOTSTRAP_SERVERS} is set), the Prefect simulator with live traffic (unless {@code
 * PREFECT_API_URL} is set), and the whole pipeline, serving {@code /metrics} and {@code /health}.
 *
 * <p>Runs through the same {@link ServiceRunner} as each service: the launcher's settings and
 * every service's configuration are validated before anything starts (the addresses the broker
 * and simulator will get are validated as placeholders of the same form), and all problems of all
 * components are reported at once (exit 2). Then the components start in order, a {@link
 * StartupBanner} is printed once the pipeline is healthy, and Ctrl-C stops everything in reverse
 * order (exit 0); a fatal error in any component stops everything too (exit 1).
 */
public final class LocalMain {

    private LocalMain() {}

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        LogLevel.configure(env); // before the first logger
        System.exit(new ServiceRunner("flowpulse local").run(env, LocalMain::services));
    }

    /** Validates every component's configuration in one pass; then the components in start order. */
    static List<Service> services(Map<String, String> env) {
        ConfigCheck check = new ConfigCheck();
        LocalConfig local = check.read(() -> LocalConfig.fromEnv(env));
        Map<String, String> pipelineEnv = local == null ? new HashMap<>(env) : local.pipelineEnv(env);
        check.read(() -> PipelineConfig.fromEnv(LocalConfig.withPlaceholders(pipelineEnv)));
        PrometheusMeterRegistry registry = check.read(() -> MeterRegistries.prometheus(env));
        check.check();

        List<Service> services = new ArrayList<>();
        if (local.embeddedBroker()) {
            services.add(new EmbeddedBrokerService(local.home(), !local.simulatedPrefect(), pipelineEnv, registry));
        }
        if (local.simulatedPrefect()) {
            services.add(new SimulatedPrefectService(local.seed(), local.runsPerSecond(), pipelineEnv));
        }
        Pipeline pipeline = new Pipeline(pipelineEnv, registry);
        services.add(pipeline);
        MetricsEndpoint http =
                new MetricsEndpoint(local.httpHost(), local.httpPort(), true, registry, pipeline::health);
        services.add(http);
        services.add(new StartupBanner(
                () -> new StartupBanner.Facts(
                        http.baseUri(),
                        pipelineEnv.get(LocalConfig.KAFKA_BOOTSTRAP_SERVERS),
                        local.embeddedBroker(),
                        pipelineEnv.getOrDefault(
                                LocalConfig.PREFECT_API_URL,
                                "sources " + pipelineEnv.get(LocalConfig.FLOWPULSE_SOURCES)),
                        local.simulatedPrefect(),
                        Path.of(pipelineEnv.get("FLOWPULSE_STATE_DIR"))
                                .toAbsolutePath()
                                .normalize()
                                .toString()),
                pipeline::health,
                System.out));
        return services;
    }
}
