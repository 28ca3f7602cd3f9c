package dev.flowpulse.local;

import dev.flowpulse.contract.EnvReader;
import dev.flowpulse.contract.Topics;
import dev.flowpulse.ingest.IngestConfig;
import dev.flowpulse.ingest.IngestService;
import dev.flowpulse.runtime.MetricsHttpServer.Health;
import dev.flowpulse.runtime.TopicProvisioner;
import dev.flowpulse.sink.SinkConfig;
import dev.flowpulse.sink.SinkService;
import dev.flowpulse.streams.StreamsService;
import dev.flowpulse.streams.StreamsServiceConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three flowpulse services (ingest → streams → sink) wired in one process against one broker,
 * sharing one meter registry. Each service reads the same environment map exactly as it would in
 * its own process, so this is the deployed code path, not a test double.
 *
 * <p>Lifecycle: {@link #start} creates missing topics and starts the services (sink first, so it
 * is rebuilding while the others come up); {@link #close} stops them in reverse. Not thread safe.
 */
public final class Pipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final IngestService ingest;
    private final StreamsService streams;
    private final SinkService sink;

    private Pipeline(IngestService ingest, StreamsService streams, SinkService sink) {
        this.ingest = ingest;
        this.streams = streams;
        this.sink = sink;
    }

    /** Validates all three configurations first, so every problem is reported before anything starts. */
    public static Pipeline start(Map<String, String> env, PrometheusMeterRegistry registry) {
        EnvReader reader = new EnvReader(env);
        Topics topics = Topics.fromEnv(reader);
        SinkConfig sinkConfig = SinkConfig.fromEnv(env);
        StreamsServiceConfig streamsConfig = StreamsServiceConfig.fromEnv(env);
        IngestConfig ingestConfig = IngestConfig.fromEnv(env);
        TopicProvisioner.ensureFromEnv(reader, topics, EnvReader.kafkaProperties(env));

        SinkService sink = new SinkService(sinkConfig, registry);
        sink.start();
        StreamsService streams = new StreamsService(streamsConfig, registry);
        streams.start();
        IngestService ingest = new IngestService(ingestConfig, registry);
        ingest.start();
        log.info("Pipeline started: ingest -> {} -> streams -> sink", topics.rawEvents());
        return new Pipeline(ingest, streams, sink);
    }

    /** UP when every service is; otherwise the first reasons. */
    public Health health() {
        List<String> down = new ArrayList<>();
        check("ingest", ingest.health(), down);
        check("streams", streams.health(), down);
        check("sink", sink.health(), down);
        return down.isEmpty() ? Health.healthy() : Health.unhealthy(String.join("; ", down));
    }

    private static void check(String name, Health h, List<String> down) {
        if (!h.up()) {
            down.add(name + ": " + h.detail());
        }
    }

    public SinkService sink() {
        return sink;
    }

    @Override
    public void close() {
        closeQuietly("ingest", ingest);
        closeQuietly("streams", streams);
        closeQuietly("sink", sink);
    }

    private static void closeQuietly(String name, AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.warn("Closing {} failed: {}", name, e.toString());
        }
    }
}
