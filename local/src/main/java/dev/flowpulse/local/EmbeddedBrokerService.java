package dev.flowpulse.local;

import dev.flowpulse.broker.EmbeddedKafkaBroker;
import dev.flowpulse.runtime.FatalErrorListener;
import dev.flowpulse.runtime.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The local run's Kafka broker, in this process. Each start wipes {@code home} first: a fresh
 * broker needs fresh streams state too (it lives in the same directory). Once the broker answers,
 * its address is put into the services' environment as {@code KAFKA_BOOTSTRAP_SERVERS}.
 *
 * <p>Start and close from one thread.
 */
final class EmbeddedBrokerService implements Service {

    private final Path home;
    private final Map<String, String> pipelineEnv;
    private EmbeddedKafkaBroker broker;

    EmbeddedBrokerService(Path home, Map<String, String> pipelineEnv) {
        this.home = home;
        this.pipelineEnv = pipelineEnv;
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public void start(FatalErrorListener fatal) throws IOException {
        deleteRecursively(home);
        broker = EmbeddedKafkaBroker.start(home.resolve("broker"));
        pipelineEnv.put(LocalConfig.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.close();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
