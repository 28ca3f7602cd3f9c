package dev.flowpulse.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /metrics} (Prometheus text format 0.0.4 from a Micrometer registry, whatever
 * the request's {@code Accept}; rendered by {@link ExpositionText}, which reuses the text of
 * families whose snapshots did not change) and
 * {@code GET /health} (200 {@code {"status":"UP"}} or 503 with the reason) on the JDK's HttpServer.
 *
 * <p>Lifecycle: {@link #start} binds and serves on two daemon threads until {@link #close}.
 * Thread safe: the registry and the health supplier are read concurrently.
 */
public final class MetricsHttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetricsHttpServer.class);

    /** What {@code /health} reports. */
    public record Health(boolean up, String detail) {
        public static Health healthy() {
            return new Health(true, "");
        }

        public static Health unhealthy(String detail) {
            return new Health(false, detail);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static MetricsHttpServer start(
            String host, int port, PrometheusMeterRegistry registry, Supplier<Health> health) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        ExpositionText page = new ExpositionText(registry);
        server.createContext("/metrics", ex -> {
            if (!allowGet(ex)) {
                return;
            }
            respond(ex, 200, ExpositionText.CONTENT_TYPE, page.scrape());
        });
        server.createContext("/health", ex -> {
            if (!allowGet(ex)) {
                return;
            }
            Health h = health.get();
            String body = h.up()
                    ? "{\"status\":\"UP\"}"
                    : "{\"status\":\"DOWN\",\"detail\":\""
                            + h.detail().replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
            respond(ex, h.up() ? 200 : 503, "application/json", body);
        });
        server.start();
        MetricsHttpServer s = new MetricsHttpServer(server, executor);
        log.info("Serving /metrics and /health on {}", s.baseUri());
        return s;
    }

    private static boolean allowGet(HttpExchange ex) throws IOException {
        if ("GET".equals(ex.getRequestMethod()) || "HEAD".equals(ex.getRequestMethod())) {
            return true;
        }
        ex.getResponseHeaders().add("Allow", "GET, HEAD");
        respond(ex, 405, "text/plain", "method not allowed\n");
        return false;
    }

    private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        respond(ex, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange ex, int status, String contentType, byte[] bytes) throws IOException {
        ex.getResponseHeaders().add("Content-Type", contentType);
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
        ex.close();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI baseUri() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + port());
    }

    public URI metricsUri() {
        return baseUri().resolve("/metrics");
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
