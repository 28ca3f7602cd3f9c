package dev.flowpulse.runtime;

import dev.flowpulse.runtime.MetricsHttpServer.Health;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.BindException;
import java.net.URI;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's {@code /metrics} and {@code /health} as a {@link Service} (a {@link
 * MetricsHttpServer} bound at start). With {@code anyPortIfTaken} (the local launcher) a taken port
 * is replaced by a free one instead of failing the start.
 *
 * <p>Lifecycle: {@link #start} binds, {@link #close} unbinds; {@link #baseUri()} is known in
 * between. Thread safe.
 */
public final class MetricsEndpoint implements Service {

    private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);

    private final String host;
    private final int port;
    private final boolean anyPortIfTaken;
    private final PrometheusMeterRegistry registry;
    private final Supplier<Health> health;
    private volatile MetricsHttpServer server;

    public MetricsEndpoint(String host, int port, PrometheusMeterRegistry registry, Supplier<Health> health) {
        this(host, port, false, registry, health);
    }

    public MetricsEndpoint(
            String host, int port, boolean anyPortIfTaken, PrometheusMeterRegistry registry, Supplier<Health> health) {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.anyPortIfTaken = anyPortIfTaken;
        this.registry = Objects.requireNonNull(registry, "registry");
        this.health = Objects.requireNonNull(health, "health");
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public void start(FatalErrorListener fatal) throws Exception {
        try {
            server = MetricsHttpServer.start(host, port, registry, health);
        } catch (BindException e) {
            if (!anyPortIfTaken || port == 0) {
                throw new BindException("Cannot serve /metrics on " + host + ":" + port + ": " + e.getMessage());
            }
            log.warn("Port {} is taken; serving on a free port instead", port);
            server = MetricsHttpServer.start(host, 0, registry, health);
        }
    }

    /** {@code http://host:port}; only after {@link #start}. */
    public URI baseUri() {
        MetricsHttpServer s = server;
        if (s == null) {
            throw new IllegalStateException("not started");
        }
        return s.baseUri();
    }

    @Override
    public void close() {
        MetricsHttpServer s = server;
        if (s != null) {
            s.close();
        }
    }
}
