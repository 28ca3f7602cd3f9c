package dev.flowpulse.sink.alert;

import io.micrometer.core.instrument.MeterRegistry;

/** Reads the sink's push counter in the Alertmanager ITs. */
final class AlertPushes {

    private AlertPushes() {}

    /** {@code flowpulse_sink_alert_pushes_total} of one Alertmanager URL and outcome; 0 before the first push. */
    static double pushes(MeterRegistry registry, String alertmanager, String outcome) {
        var counter = registry.find("flowpulse.sink.alert.pushes")
                .tag("alertmanager", alertmanager)
                .tag("outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }
}
