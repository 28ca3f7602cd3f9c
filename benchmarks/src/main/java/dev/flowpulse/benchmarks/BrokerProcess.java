package dev.flowpulse.benchmarks;

import dev.flowpulse.broker.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The benchmark's broker, in its own JVM so the measured Streams JVM shares only the CPU with it:
 * flowpulse's {@link EmbeddedKafkaBroker} (single-node KRaft, free ports on 127.0.0.1) with its
 * data under {@code <data-dir>}. Writes its bootstrap address to {@code <bootstrap-file>} once
 * ready and stops when its standard input closes (the runner ending or being killed).
 *
 * <p>Usage: {@code BrokerProcess <data-dir> <bootstrap-file>}.
 */
public final class BrokerProcess {

    private BrokerProcess() {}

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        // No log-retention sweeps or cleaner passes in the middle of a measured run.
        Map<String, String> overrides = Map.of("log.retention.check.interval.ms", "3600000");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, overrides)) {
            Path file = Path.of(args[1]);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, broker.bootstrapServers(), StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            while (System.in.read() >= 0) {
                // wait for EOF
            }
        }
    }
}
