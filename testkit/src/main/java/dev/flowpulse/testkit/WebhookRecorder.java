package dev.flowpulse.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A webhook receiver for Alertmanager: records every notification body it is sent (as JSON). */
public final class WebhookRecorder implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<JsonNode> notifications = new CopyOnWriteArrayList<>();

    public WebhookRecorder() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", ex -> {
            try (ex) {
                notifications.add(JSON.readTree(ex.getRequestBody()));
                ex.sendResponseHeaders(200, -1);
            }
        });
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    /** Every notification so far, oldest first. */
    public List<JsonNode> notifications() {
        return List.copyOf(notifications);
    }

    /** Notifications with {@code status} (firing or resolved) about an alert named {@code alertname}. */
    public List<JsonNode> notifications(String status, String alertname) {
        return notifications.stream()
                .filter(n -> n.path("status").asText().equals(status))
                .filter(n -> n.path("commonLabels").path("alertname").asText().equals(alertname))
                .toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
