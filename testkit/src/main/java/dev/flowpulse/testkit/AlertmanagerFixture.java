package dev.flowpulse.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the Alertmanager ITs share: the real Alertmanager ({@link AlertmanagerProcess}) routing
 * everything to a {@link WebhookRecorder} in the test (group wait and interval 1 s, repeat 1 h,
 * resolves sent), and readers of what it notified.
 */
public final class AlertmanagerFixture implements AutoCloseable {

    private final WebhookRecorder webhook;
    private final AlertmanagerProcess alertmanager;

    private AlertmanagerFixture(WebhookRecorder webhook, AlertmanagerProcess alertmanager) {
        this.webhook = webhook;
        this.alertmanager = alertmanager;
    }

    /** Starts a fresh Alertmanager (own data directory) whose route groups by {@code groupBy}. */
    public static AlertmanagerFixture start(String... groupBy) throws IOException {
        WebhookRecorder webhook = new WebhookRecorder();
        try {
            AlertmanagerProcess am = AlertmanagerProcess.start(
                    Path.of("target", "alertmanager-it", UUID.randomUUID().toString()),
                    """
                    route:
                      receiver: webhook
                      group_by: [%s]
                      group_wait: 1s
                      group_interval: 1s
                      repeat_interval: 1h
                    receivers:
                      - name: webhook
                        webhook_configs:
                          - url: %s
                            send_resolved: true
                    """.formatted(String.join(", ", groupBy), webhook.url()));
            return new AlertmanagerFixture(webhook, am);
        } catch (IOException | RuntimeException e) {
            webhook.close();
            throw e;
        }
    }

    public AlertmanagerProcess process() {
        return alertmanager;
    }

    public URI baseUri() {
        return alertmanager.baseUri();
    }

    /** The webhook notifications with {@code status} ({@code firing} / {@code resolved}) for {@code alertname}. */
    public List<JsonNode> notifications(String status, String alertname) {
        return webhook.notifications(status, alertname);
    }

    public int count(String status, String alertname) {
        return notifications(status, alertname).size();
    }

    /** The first alert of the first notification with {@code status} for {@code alertname}. */
    public JsonNode firstAlert(String status, String alertname) {
        return notifications(status, alertname).get(0).path("alerts").get(0);
    }

    /** The labels of an alert in a webhook notification. */
    public static Map<String, String> labels(JsonNode alert) {
        Map<String, String> labels = new HashMap<>();
        alert.path("labels")
                .properties()
                .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    @Override
    public void close() {
        alertmanager.close();
        webhook.close();
    }
}
