package dev.flowpulse.local;

import dev.flowpulse.ingest.IngestService;
import dev.flowpulse.runtime.FatalErrorListener;
import dev.flowpulse.runtime.MetricsHttpServer.Health;
import dev.flowpulse.runtime.Service;
import dev.flowpulse.runtime.ServiceGroup;
import dev.flowpulse.runtime.TopicProvisioner;
import dev.flowpulse.sink.SinkMain;
import dev.flowpulse.sink.SinkService;
import dev.flowpulse.streams.StreamsMain;
import dev.flowpulse.streams.StreamsService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three flowpulse services (ingest → streams → sink) wired in one process against one broker,
 * sharing one meter registry. Each service reads the same environment map exactly as it would in
 * its own process, so this is the deployed code path, not a test double.
 *
 * <p>Lifecycle: construct with the environment (nothing is read yet: the local launcher completes
 * the map with the embedded broker's and simulator's addresses first), then {@link
 * #start(FatalErrorListener)} reads {@link PipelineConfig}, creates missing topics and starts the
 * services (sink first, so it is rebuilding while the others come up); the streams client dying
 * or the sink's consumer ending is reported as fatal. {@link #close} stops them in reverse.
 * {@link #start(Map, PrometheusMeterRegistry)} does both steps at once. {@link #health} is thread
 * safe; start and close are called from one thread.
 */
public final class Pipeline implements Service, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final Map<String, String> env;
    private final PrometheusMeterRegistry registry;
    private volatile ServiceGroup services;
    private volatile IngestService ingest;
    private volatile StreamsService streams;
    private volatile SinkService sink;

    public Pipeline(Map<String, String> env, PrometheusMeterRegistry registry) {
        this.env = Objects.requireNonNull(env, "env");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Validates all three configurations first, so every problem is reported before anything
     * starts, then starts the pipeline; fatal errors are logged.
     */
    public static Pipeline start(Map<String, String> env, PrometheusMeterRegistry registry) {
        Pipeline pipeline = new Pipeline(env, registry);
        PipelineConfig config = PipelineConfig.fromEnv(env);
        try {
            pipeline.start(config, (service, error) -> log.error("{} failed: {}", service, error.toString()));
        } catch (ServiceGroup.StartFailedException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return pipeline;
    }

    @Override
    public String name() {
        return "pipeline";
    }

    @Override
    public void start(FatalErrorListener fatal) throws ServiceGroup.StartFailedException {
        start(PipelineConfig.fromEnv(env), fatal);
    }

    private synchronized void start(PipelineConfig config, FatalErrorListener fatal)
            throws ServiceGroup.StartFailedException {
        if (services != null) {
            throw new IllegalStateException("pipeline already started");
        }
        sink = new SinkService(config.sink(), registry);
        streams = new StreamsService(config.streams(), registry);
        ingest = new IngestService(config.ingest(), registry);
        services = new ServiceGroup(
                "pipeline",
                List.of(
                        TopicProvisioner.service(config.topicSettings(), config.topics(), config.admin()),
                        SinkMain.watched(sink),
                        StreamsMain.watched(streams),
                        Service.of("ingest", ingest::start, ingest::close)));
        services.start(fatal);
        log.info(
                "Pipeline started: ingest -> {} -> streams -> sink",
                config.topics().rawEvents());
    }

    /** UP when every service is; otherwise the first reasons. */
    public Health health() {
        if (services == null) {
            return Health.unhealthy("pipeline is not started");
        }
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

    /** The sink; only after start. */
    public SinkService sink() {
        return sink;
    }

    /** Stops ingest, streams and sink, in that order; idempotent. */
    @Override
    public synchronized void close() {
        ServiceGroup s = services;
        if (s != null) {
            s.close();
        }
    }
}
