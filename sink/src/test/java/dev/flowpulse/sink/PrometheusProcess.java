package dev.flowpulse.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowpulse.testkit.ExternalTools;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Prometheus from Debian ({@code prometheus} package) as a child process on 127.0.0.1, a
 * free port, its TSDB and log under {@code dir}, scraping one target every second; PromQL through
 * its HTTP API.
 */
final class PrometheusProcess implements AutoCloseable {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final URI base;
    private final Process process;

    private PrometheusProcess(Path dir, URI base, Process process) {
        this.dir = dir;
        this.base = base;
        this.process = process;
    }

    static PrometheusProcess scraping(Path dir, String target) throws IOException {
        Files.createDirectories(dir);
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 900ms
                scrape_configs:
                  - job_name: flowpulse-sink
                    static_configs:
                      - targets: ['%s']
                """.formatted(target));
        int port = freePort();
        Process process = new ProcessBuilder(
                        ExternalTools.find("prometheus", "prometheus").toString(),
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("prometheus.log").toFile()))
                .start();
        return new PrometheusProcess(dir, URI.create("http://127.0.0.1:" + port), process);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * The values of an instant query's result vector (empty while Prometheus is not up yet, or
     * nothing matches). Fails if the process died.
     */
    List<Double> query(String promql) {
        if (!process.isAlive()) {
            throw new IllegalStateException("Prometheus exited with " + process.exitValue() + "; see " + dir);
        }
        URI uri = base.resolve("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            List<Double> values = new ArrayList<>();
            if (response.statusCode() != 200) {
                return values;
            }
            for (JsonNode sample : JSON.readTree(response.body()).path("data").path("result")) {
                values.add(Double.parseDouble(sample.path("value").get(1).asText()));
            }
            return values;
        } catch (IOException e) {
            return List.of(); // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
