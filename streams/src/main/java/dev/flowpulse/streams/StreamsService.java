package dev.flowpulse.streams;

import dev.flowpulse.runtime.MetricsHttpServer.Health;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link FlowRunTopology} in a {@link KafkaStreams} client, exactly once, and reports its health.
 *
 * <p>Lifecycle: {@link #start()} returns at once (Streams runs its own threads); {@link #close()}
 * is idempotent and waits at most {@link #CLOSE_TIMEOUT}. On an uncaught exception the client is
 * shut down ({@code SHUTDOWN_CLIENT}: a replaced thread would hit the same record again) and health
 * turns DOWN; the process's fate is {@code main}'s decision ({@link #awaitTermination}, {@link #failure()}).
 * Except when the broker did not answer in time ({@link #brokerAway}): that thread is replaced, at
 * most {@link #MAX_REPLACEMENTS} times per {@link #REPLACEMENT_WINDOW} (streams/README.md, "Running it").
 * Thread safe.
 */
public final class StreamsService implements AutoCloseable {

    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(StreamsService.class);

    private final StreamsServiceConfig config;
    private final MeterRegistry registry;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** Set once the client first reached RUNNING: the start-up REBALANCING (joining the group) is not UP. */
    private volatile boolean hasRun;

    /** At most {@link #MAX_REPLACEMENTS} replaced threads per {@link #REPLACEMENT_WINDOW}, then the client stops. */
    private final Replacements replacements = new Replacements();

    static final int MAX_REPLACEMENTS = 5;
    static final Duration REPLACEMENT_WINDOW = Duration.ofMinutes(10);

    private volatile KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;
    private volatile boolean closed;

    public StreamsService(StreamsServiceConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    public synchronized void start() {
        if (streams != null || closed) {
            throw new IllegalStateException("StreamsService can be started once");
        }
        StreamsCounters counters = new StreamsCounters(registry);
        Topology topology =
                new FlowRunTopology(config.topics(), config.topology(), StreamsProperties.of(config), counters).get();
        Properties properties = StreamsProperties.of(config);
        // The exception handlers count what they skip in the same counters (Kafka configures them with the originals).
        properties.put(StreamsCounters.CONFIG_KEY, counters);
        Counter commitTimeouts = Counter.builder("flowpulse.streams.commit.timeouts")
                .description("Waits for the broker to answer a transaction commit (or its offsets) that timed out;"
                        + " each is waited for again")
                .register(registry);
        streams =
                new KafkaStreams(topology, properties, new OneFlushPerCommit(commitTimeouts::increment, () -> closed));
        streams.setStateListener(this::onStateChange);
        Counter replaced = Counter.builder("flowpulse.streams.threads.replaced")
                .description("Stream threads replaced after the broker failed them (timeout, aborted transaction)")
                .register(registry);
        streams.setUncaughtExceptionHandler(e -> {
            if (brokerAway(e) && replacements.tryAcquire(System.nanoTime())) {
                replaced.increment();
                log.warn(
                        "Stream thread failed because the broker did not answer in time ({}); replacing it: its "
                                + "transaction is aborted and its tasks restart from their last commit",
                        rootMessage(e));
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            failure.compareAndSet(null, e);
            log.error("Stream thread died; shutting the streams client down", e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        log.info(
                "Starting streams application {} reading {} (windows {} + grace {}, run-state retention {}, "
                        + "finish settle time {})",
                config.applicationId(),
                config.topics().rawEvents(),
                config.topology().windowSizes(),
                config.topology().windowGrace(),
                config.topology().runStateRetention(),
                config.topology().finishSettleTimeout());
        streams.start();
    }

    /**
     * Whether {@code e} comes from a broker that did not answer in time: a batch or request timed out,
     * or the transaction was aborted because of it. A record cannot cause these, so a new thread
     * (new producer, tasks from their last commit) does not meet the same failure again.
     */
    static boolean brokerAway(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof TransactionAbortableException) {
                return true;
            }
        }
        // "The client hasn't received acknowledgment for some previously sent messages ...": the
        // producer's own state, no broker error about a record.
        return root(e).getClass() == KafkaException.class;
    }

    /** The times of the recent replacements: a failure that keeps coming back is not a passing outage. */
    static final class Replacements {
        private final ArrayDeque<Long> times = new ArrayDeque<>();

        synchronized boolean tryAcquire(long nowNanos) {
            while (!times.isEmpty() && nowNanos - times.peekFirst() > REPLACEMENT_WINDOW.toNanos()) {
                times.pollFirst();
            }
            if (times.size() >= MAX_REPLACEMENTS) {
                return false;
            }
            times.addLast(nowNanos);
            return true;
        }
    }

    private static Throwable root(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = root(e);
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private void onStateChange(KafkaStreams.State next, KafkaStreams.State previous) {
        log.info("Streams state {} -> {}", previous, next);
        if (next == KafkaStreams.State.RUNNING) {
            hasRun = true;
        }
        if (next == KafkaStreams.State.ERROR || next == KafkaStreams.State.NOT_RUNNING) {
            terminated.countDown();
        }
    }

    /**
     * UP while Streams is RUNNING, or REBALANCING after it has once been RUNNING (a rebalance of a
     * working client); DOWN before start, while first joining the group, after a failure and once closed.
     */
    public Health health() {
        Throwable error = failure.get();
        if (error != null) {
            return Health.unhealthy("stream thread failed: " + error.getClass().getSimpleName());
        }
        KafkaStreams.State state = state().orElse(null);
        if (state == KafkaStreams.State.RUNNING || (state == KafkaStreams.State.REBALANCING && hasRun)) {
            return Health.healthy();
        }
        return Health.unhealthy("streams state " + (state == null ? "NOT_STARTED" : state));
    }

    /** Empty before {@link #start()}. Never blocks, also not while {@link #close()} runs. */
    public Optional<KafkaStreams.State> state() {
        KafkaStreams current = streams;
        return current == null ? Optional.empty() : Optional.of(current.state());
    }

    /** The exception that stopped the client, if one did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Waits until the client stopped (closed or failed); false on timeout. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (streams == null) {
            terminated.countDown();
            return;
        }
        log.info("Closing streams application {}", config.applicationId());
        if (!streams.close(CLOSE_TIMEOUT)) {
            log.warn("Streams did not close within {}", CLOSE_TIMEOUT);
        }
        streamsMetrics.close();
        terminated.countDown();
    }
}
