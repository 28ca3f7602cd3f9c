package dev.flowpulse.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a benchmark class in a child JVM: this JVM's java binary and class path, the given JVM
 * options, quiet logging (WARN, the benchmark's own INFO), {@code java.io.tmpdir} in the work
 * dir, output to a log file. Children inherit this process's niceness.
 */
final class JvmLauncher {

    private final Path workDir;

    JvmLauncher(Path workDir) {
        this.workDir = workDir;
    }

    Process start(String name, List<String> jvmOptions, Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Djava.io.tmpdir=" + workDir.resolve("tmp"));
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-Dorg.slf4j.simpleLogger.log.dev.flowpulse=warn");
        command.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka.streams.KafkaStreams=warn");
        command.add("-Dorg.slf4j.simpleLogger.log.dev.flowpulse.benchmarks=info");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        Path logFile = log(name);
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
    }

    Path log(String name) {
        return workDir.resolve(name + ".log");
    }

    /** Waits for a child to end; throws with the tail of its log if it failed. */
    void awaitSuccess(String name, Process process) throws Exception {
        int rc = process.waitFor();
        if (rc != 0) {
            List<String> lines = java.nio.file.Files.readAllLines(log(name));
            String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            throw new IllegalStateException(name + " exited with " + rc + "; end of " + log(name) + ":\n" + tail);
        }
    }
}
