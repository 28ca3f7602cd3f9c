package dev.flowpulse.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The real Alertmanager from Debian ({@code prometheus-alertmanager}) as a child process on
 * 127.0.0.1, with gossip off, its data and log under {@code dir}, and a fixed port so that a
 * {@link #restart} is the same Alertmanager at the same URL (same notification log too).
 */
public final class AlertmanagerProcess implements AutoCloseable {

    private static final Duration READY = Duration.ofSeconds(30);

    private final Path dir;
    private final int port;
    private Process process;

    private AlertmanagerProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Writes {@code config} to {@code dir} and starts; {@code dir} must be fresh (the notification log persists). */
    public static AlertmanagerProcess start(Path dir, String config) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("alertmanager.yml"), config);
        AlertmanagerProcess am = new AlertmanagerProcess(dir, freePort());
        am.startProcess();
        return am;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Stops the process (SIGTERM, as an operator would) and waits for it to exit. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    public void restart() throws IOException, InterruptedException {
        stop();
        startProcess();
    }

    private void startProcess() throws IOException {
        Path binary = ExternalTools.find("prometheus-alertmanager", "prometheus-alertmanager");
        process = new ProcessBuilder(
                        binary.toString(),
                        "--config.file=" + dir.resolve("alertmanager.yml"),
                        "--storage.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--cluster.listen-address=",
                        "--log.level=debug")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("alertmanager.log").toFile()))
                .start();
        awaitReady();
    }

    private void awaitReady() throws IOException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Alertmanager exited with " + process.exitValue() + "; see " + dir);
            }
            try {
                HttpResponse<Void> r = http.send(
                        HttpRequest.newBuilder(baseUri().resolve("/-/ready"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            try {
                process.waitFor(100, TimeUnit.MILLISECONDS); // a short poll interval that ends early if it dies
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IllegalStateException("Alertmanager not ready within " + READY + "; see " + dir);
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
