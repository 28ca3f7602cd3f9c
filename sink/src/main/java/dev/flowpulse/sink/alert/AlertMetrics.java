package dev.flowpulse.sink.alert;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The alerting meters: {@code flowpulse_sink_alert_pushes_total{alertmanager,outcome}} (every
 * Alertmanager × outcome pre-created at 0) and {@code flowpulse_sink_alerts_firing{alertname}}
 * (every rule pre-created at 0). The {@code alertmanager} label is the URL without credentials.
 *
 * <p>Lifecycle: meters registered by the constructor, removed by {@link #close}. Thread safe.
 */
public final class AlertMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Map<String, Counter> pushes = new HashMap<>();
    private final Map<String, AtomicLong> firing = new ConcurrentHashMap<>();

    public AlertMetrics(MeterRegistry registry, Collection<AlertmanagerTarget> targets, Collection<String> alertnames) {
        this.registry = registry;
        for (AlertmanagerTarget target : targets) {
            for (PushOutcome outcome : PushOutcome.values()) {
                pushes.put(
                        key(target, outcome),
                        keep(Counter.builder("flowpulse.sink.alert.pushes")
                                .description(
                                        "Alert pushes to Alertmanager (POST /api/v2/alerts), by Alertmanager and outcome")
                                .tag("alertmanager", target.label())
                                .tag("outcome", outcome.label())
                                .register(registry)));
            }
        }
        alertnames.forEach(this::firingGauge);
    }

    public void pushed(AlertmanagerTarget target, PushOutcome outcome) {
        Counter c = pushes.get(key(target, outcome));
        if (c != null) {
            c.increment();
        }
    }

    /** Sets every alertname's firing count; names not in {@code counts} go to 0. */
    public void firing(Map<String, Long> counts) {
        counts.keySet().forEach(this::firingGauge);
        firing.forEach((name, value) -> value.set(counts.getOrDefault(name, 0L)));
    }

    private synchronized void firingGauge(String alertname) {
        firing.computeIfAbsent(alertname, name -> {
            AtomicLong value = new AtomicLong();
            keep(Gauge.builder("flowpulse.sink.alerts.firing", value, AtomicLong::get)
                    .description("Alerts flowpulse currently reports as firing, by alertname")
                    .tag("alertname", name)
                    .strongReference(true)
                    .register(registry));
            return value;
        });
    }

    private synchronized <M extends Meter> M keep(M meter) {
        meters.add(meter);
        return meter;
    }

    private static String key(AlertmanagerTarget target, PushOutcome outcome) {
        return target.label() + '\u0000' + outcome.label();
    }

    @Override
    public synchronized void close() {
        meters.forEach(registry::remove);
        meters.clear();
    }
}
