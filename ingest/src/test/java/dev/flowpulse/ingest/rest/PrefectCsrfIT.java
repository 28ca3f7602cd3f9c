package dev.flowpulse.ingest.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flowpulse.contract.Json;
import dev.flowpulse.contract.Secret;
import dev.flowpulse.ingest.prefect.PrefectEndpoints;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CSRF as Prefect's {@code CsrfMiddleware} enforces it (self-hosted, opt-in): every POST needs
 * {@code Prefect-Csrf-Token} and {@code Prefect-Csrf-Client} matching a token minted by
 * {@code GET /api/csrf-token?client=<id>}, else 403 {@code {"detail": "Missing CSRF token."}}.
 * A small JDK HTTP server plays that part; the Prefect simulator has no CSRF mode.
 */
@Tag("integration")
@Timeout(60)
class PrefectCsrfIT {

    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/csrf-token", this::mint);
        server.createContext("/api/flow_runs/history", this::history);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void mint(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        String client = query.substring(query.indexOf("client=") + "client=".length());
        String token = "tok-" + tokens.size();
        tokens.put(client, token);
        requests.add("GET /csrf-token");
        respond(
                exchange,
                200,
                "{\"token\":\"" + token + "\",\"client\":\"" + client + "\",\"expiration\":\""
                        + Instant.now().plus(Duration.ofHours(1)) + "\"}");
    }

    private void history(HttpExchange exchange) throws IOException {
        String token = exchange.getRequestHeaders().getFirst("Prefect-Csrf-Token");
        String client = exchange.getRequestHeaders().getFirst("Prefect-Csrf-Client");
        exchange.getRequestBody().readAllBytes();
        if (token == null) {
            requests.add("POST 403");
            respond(exchange, 403, "{\"detail\":\"Missing CSRF token.\"}");
        } else if (client == null || !token.equals(tokens.get(client))) {
            requests.add("POST 403");
            respond(exchange, 403, "{\"detail\":\"Invalid CSRF token or client identifier.\"}");
        } else {
            requests.add("POST 200");
            respond(exchange, 200, "[]");
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void shouldFetchATokenWhenPrefectDemandsOneAndKeepSendingIt() throws Exception {
        URI api = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api");
        PrefectRestClient client = new PrefectRestClient(
                new PrefectEndpoints(api, null, Secret.ofNullable("admin:csrf-it")),
                RestSettings.defaults(),
                new SimpleMeterRegistry(),
                Clock.systemUTC(),
                RandomGenerator.getDefault());
        var body = Json.prefect().createObjectNode().put("history_start", "2026-05-04T07:00:00Z");

        JsonNode first = client.post(PrefectRestClient.FLOW_RUNS_HISTORY, "/flow_runs/history", body);
        JsonNode second = client.post(PrefectRestClient.FLOW_RUNS_HISTORY, "/flow_runs/history", body);

        assertThat(first.isArray()).isTrue();
        assertThat(second.isArray()).isTrue();
        // One refused POST, one token, then every POST carries it: no token fetch per request.
        assertThat(requests).containsExactly("POST 403", "GET /csrf-token", "POST 200", "POST 200");
    }
}
