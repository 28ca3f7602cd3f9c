package dev.flowpulse.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of the one-command launcher from the built jar ({@code mvn package}: the jar and
 * {@code target/lib}) as a child process, against an external Prefect, with its data in a
 * directory and its output in files beside it. The tests' own {@code KAFKA_*}, {@code PREFECT_*}
 * and {@code FLOWPULSE_*} variables are not inherited.
 */
record LocalLauncher(Process process, Path stdout, Path stderr) {

    static final Path JAR = Path.of("target", "flowpulse-local.jar").toAbsolutePath();
    /** The {@code metrics} line of the banner: the URL of {@code /metrics}. */
    static final Pattern METRICS = Pattern.compile("^\\s*metrics\\s+(\\S+)", Pattern.MULTILINE);
    /** The {@code kafka} line of the banner: the embedded broker's bootstrap servers. */
    static final Pattern KAFKA = Pattern.compile("^\\s*kafka\\s+(\\S+)", Pattern.MULTILINE);
    /** Per wait: each start of the launcher is a JVM with a broker and three services on a loaded 2-core machine. */
    static final Duration DEADLINE = Duration.ofMinutes(4);

    /** Starts the jar on {@code dir} against {@code prefect}, with {@code extraEnv} on top. */
    static LocalLauncher start(Path dir, String name, URI prefect, Map<String, String> extraEnv) throws IOException {
        Path stdout = dir.resolveSibling(dir.getFileName() + "-" + name + ".out");
        Path stderr = dir.resolveSibling(dir.getFileName() + "-" + name + ".err");
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xmx768m",
                "-jar",
                JAR.toString());
        builder.environment()
                .keySet()
                .removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("PREFECT_") || k.startsWith("FLOWPULSE_"));
        Map<String, String> env = new HashMap<>(Map.of(
                "PREFECT_API_URL", prefect.toString(),
                "FLOWPULSE_LOCAL_DIR", dir.toString(),
                "FLOWPULSE_SINK_HTTP_PORT", "0"));
        env.putAll(extraEnv);
        builder.environment().putAll(env);
        builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        return new LocalLauncher(builder.start(), stdout, stderr);
    }

    /** The first group of {@code pattern} in the banner on stdout, once printed. */
    String awaitBanner(Pattern pattern) {
        return await().atMost(DEADLINE)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> find(pattern), Optional::isPresent)
                .orElseThrow();
    }

    private Optional<String> find(Pattern pattern) throws IOException {
        assertThat(process.isAlive())
                .as("launcher running; stderr: %s", Files.readString(stderr, UTF_8))
                .isTrue();
        Matcher m = pattern.matcher(Files.readString(stdout, UTF_8));
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** {@code kill -9} (SIGKILL on Linux): no shutdown hook, nothing flushed or closed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(1, TimeUnit.MINUTES)).as("killed").isTrue();
    }
}
