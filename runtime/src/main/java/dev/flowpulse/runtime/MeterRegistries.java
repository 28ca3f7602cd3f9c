package dev.flowpulse.runtime;

import dev.flowpulse.contract.EnvReader;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;

/**
 * Creates the Prometheus registry every flowpulse process serves. Kafka's own client and Streams
 * metrics (Micrometer's {@code kafka.*} binders) are off unless {@code FLOWPULSE_KAFKA_CLIENT_METRICS=true}:
 * their names break Prometheus conventions ({@code _ns}/{@code _ms} units, gauges ending in
 * {@code _count}, series without help) so {@code promtool check metrics} rejects the page, and
 * they add hundreds of per-node and per-partition series. flowpulse's own {@code flowpulse_*}
 * meters cover the health of each service.
 */
public final class MeterRegistries {

    public static final String KAFKA_CLIENT_METRICS = "FLOWPULSE_KAFKA_CLIENT_METRICS";

    private MeterRegistries() {}

    /** Throws {@link dev.flowpulse.contract.ConfigException} for an invalid switch value. */
    public static PrometheusMeterRegistry prometheus(Map<String, String> env) {
        EnvReader reader = new EnvReader(env);
        boolean kafkaClientMetrics = reader.bool(KAFKA_CLIENT_METRICS, false);
        reader.check();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        if (!kafkaClientMetrics) {
            registry.config().meterFilter(MeterFilter.denyNameStartsWith("kafka."));
        }
        return registry;
    }
}
