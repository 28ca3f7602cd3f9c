package dev.flowpulse.ingest;

import dev.flowpulse.ingest.gap.EventsFilterPager;
import dev.flowpulse.ingest.gap.FollowsWatcher;
import dev.flowpulse.ingest.gap.GapFiller;
import dev.flowpulse.ingest.gap.GapMetrics;
import dev.flowpulse.ingest.gap.RecoveryCoordinator;
import dev.flowpulse.ingest.gap.RecoverySettings;
import dev.flowpulse.ingest.gap.SeenEvents;
import dev.flowpulse.ingest.history.HistoryPoller;
import dev.flowpulse.ingest.prefect.PrefectEndpoints;
import dev.flowpulse.ingest.publish.RawEventPublisher;
import dev.flowpulse.ingest.rest.PrefectRestClient;
import dev.flowpulse.ingest.resume.RecentIdsSeeder;
import dev.flowpulse.ingest.resume.ResumePoint;
import dev.flowpulse.ingest.resume.ResumePointStore;
import dev.flowpulse.ingest.resume.ResumeTracker;
import dev.flowpulse.ingest.websocket.EventCursor;
import dev.flowpulse.ingest.websocket.EventSubscriber;
import dev.flowpulse.ingest.websocket.RecentEventIds;
import dev.flowpulse.runtime.TopicProvisioner;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything around the websocket that makes delivery survive outages, restarts and crashes:
 * the resume point in Kafka (loaded before the first subscription, committed every
 * {@code FLOWPULSE_INGEST_CURSOR_COMMIT_INTERVAL} and at close), the dedupe cache seeded from the
 * raw topic, gap filling and re-reads through {@code /events/filter}, and the history poller.
 *
 * <p>Lifecycle: {@link #start} builds and starts it all, including the {@link EventSubscriber};
 * {@link #close()} stops reading, waits for in-flight sends, then writes the final resume point.
 * The publisher stays open (its owner closes it). Thread safe.
 */
final class IngestRecovery implements AutoCloseable {

    static final Duration RECENT_IDS_TTL = Duration.ofMinutes(10);
    static final int RECENT_IDS_MAX = 100_000;

    private static final Logger log = LoggerFactory.getLogger(IngestRecovery.class);

    static final long FIRST_LOAD_SECONDS = 2;

    private final IngestConfig config;
    private final RecoverySettings settings;
    private final RawEventPublisher publisher;
    private final IngestMetrics metrics;
    private final MeterRegistry registry;
    private final Clock clock;
    private final ResumePointStore store;
    private final RecentEventIds recentIds;
    private final SeenEvents seenEvents;
    private final PrefectRestClient rest;
    private final ScheduledExecutorService committer;
    private volatile boolean loaded;
    private volatile String startFailure;
    private boolean closed;
    private volatile ResumeTracker tracker;
    private volatile RecoveryCoordinator coordinator;
    private volatile EventSubscriber subscriber;
    private volatile HistoryPoller history;

    private IngestRecovery(
            IngestConfig config,
            RawEventPublisher publisher,
            IngestMetrics metrics,
            MeterRegistry registry,
            Clock clock) {
        this.config = config;
        this.settings = config.recovery();
        this.publisher = publisher;
        this.metrics = metrics;
        this.registry = registry;
        this.clock = clock;
        this.store =
                new ResumePointStore(config.kafka(), settings.cursorTopic(), config.workspace(), publisher.producer());
        this.recentIds = new RecentEventIds(recentIdsTtl(settings), RECENT_IDS_MAX, clock);
        this.seenEvents = new SeenEvents(RECENT_IDS_MAX);
        this.rest = new PrefectRestClient(
                PrefectEndpoints.of(config), config.rest(), registry, clock, RandomGenerator.getDefault());
        this.committer = Daemons.scheduler("ingest-cursor-commit-" + config.workspace());
    }

    /**
     * Builds everything and starts it on an {@code ingest-start-<workspace>} thread; returns at once. The
     * resume point is read first (briefly: {@value #FIRST_LOAD_SECONDS} s); when Kafka does not
     * answer in time, the websocket starts at now − lookback and the point is read again before
     * the first commit, its span then recovered through {@code /events/filter}. Nothing is
     * committed before the stored point was read, so it is never overwritten unseen.
     */
    static IngestRecovery start(
            IngestConfig config,
            RawEventPublisher publisher,
            IngestMetrics metrics,
            MeterRegistry registry,
            Clock clock) {
        IngestRecovery recovery = new IngestRecovery(config, publisher, metrics, registry, clock);
        Daemons.named("ingest-start-" + config.workspace())
                .newThread(recovery::startUpGuarded)
                .start();
        return recovery;
    }

    private void startUpGuarded() {
        try {
            startUp();
        } catch (RuntimeException e) {
            startFailure = e.getClass().getSimpleName();
            log.error("Ingest failed to start", e);
        }
    }

    /** Why start-up failed (the health check reports it), or null. */
    String startFailure() {
        return startFailure;
    }

    private void startUp() {
        Optional<ResumePoint> stored = Optional.empty();
        try {
            stored = store.load(Duration.ofSeconds(FIRST_LOAD_SECONDS));
            loaded = true;
        } catch (RuntimeException e) {
            log.warn(
                    "Kafka did not return the resume point of {} from {} yet ({}); starting at now - {} and"
                            + " recovering from the stored point once it is readable",
                    config.workspace(),
                    settings.cursorTopic(),
                    e.getClass().getSimpleName(),
                    config.lookback());
        }
        if (loaded) {
            // Before anything is produced: an auto-created cursor topic would not be compacted.
            createTopics();
        }
        Instant since = stored.map(p -> p.occurred().minus(EventCursor.SLACK))
                .orElse(clock.instant().minus(config.lookback()));
        ResumeTracker t = new ResumeTracker(stored.orElse(new ResumePoint(since, List.of())));
        // The late-arrival check accounts for what this process saw, and for the seeded past of the raw topic.
        Instant seenFrom = since;
        if (stored.isPresent()) {
            log.info(
                    "Resuming workspace {} from {} (stored in {})",
                    config.workspace(),
                    stored.get().occurred(),
                    settings.cursorTopic());
            Instant seedFrom = since.minus(settings.lateness());
            int seeded = RecentIdsSeeder.seed(
                    config.kafka(),
                    config.topics().rawEvents(),
                    config.workspace(),
                    seedFrom,
                    recentIds,
                    RECENT_IDS_MAX,
                    seenEvents::seen);
            if (seeded >= 0) {
                seenFrom = seedFrom;
            }
            ResumePoint point = stored.get();
            point.eventIdsAtOccurred().forEach(id -> {
                recentIds.add(id);
                seenEvents.seen(id, point.occurred());
            });
        } else if (loaded) {
            log.info(
                    "No resume point for workspace {} in {}: starting at now - {} = {}",
                    config.workspace(),
                    settings.cursorTopic(),
                    config.lookback(),
                    since);
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            tracker = t;
            publisher.observe(t);
            FollowsWatcher watcher = new FollowsWatcher(RECENT_IDS_MAX, since);
            GapMetrics gapMetrics = new GapMetrics(registry);
            GapFiller filler = new GapFiller(
                    new EventsFilterPager(rest, settings.queryWindow(), clock),
                    publisher,
                    recentIds,
                    watcher,
                    seenEvents,
                    metrics,
                    gapMetrics);
            coordinator = new RecoveryCoordinator(
                    filler, watcher, t, gapMetrics, settings, clock, since, seenEvents, seenFrom);
            EventSubscriber s = new EventSubscriber(config, publisher, metrics, clock, recentIds, since, coordinator);
            coordinator.start();
            s.start();
            subscriber = s;
            if (config.history().enabled()) {
                history = new HistoryPoller(
                        rest,
                        config.kafka(),
                        publisher.producer(),
                        config.history(),
                        config.workspace(),
                        clock,
                        registry);
                history.start();
            }
            long every = settings.commitInterval().toMillis();
            committer.scheduleWithFixedDelay(this::commit, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private void createTopics() {
        try {
            ensureTopics(config);
            awaitLeaders(List.of(settings.cursorTopic(), config.history().topic()));
        } catch (RuntimeException e) {
            log.warn("Could not create the cursor and history topics: {}", e.getMessage());
        }
    }

    /**
     * A first send to a partition whose leader is not elected yet can leave the idempotent
     * producer retrying an out-of-order sequence until its delivery timeout: wait for leaders first.
     */
    private void awaitLeaders(List<String> topics) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (String topic : topics) {
            while (System.nanoTime() < deadline) {
                var partitions = publisher.producer().partitionsFor(topic);
                if (!partitions.isEmpty()
                        && partitions.stream()
                                .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    break;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The dedupe cache spans the late-arrival window too, so its full reads republish nothing. */
    static Duration recentIdsTtl(RecoverySettings settings) {
        Duration spanned = settings.lateness().plus(settings.rereadInterval()).plus(Duration.ofMinutes(1));
        return spanned.compareTo(RECENT_IDS_TTL) > 0 ? spanned : RECENT_IDS_TTL;
    }

    /** Null until the start-up thread subscribed. */
    EventSubscriber subscriber() {
        return subscriber;
    }

    private void commit() {
        try {
            if (!loaded && !loadLate()) {
                return;
            }
            store.save(tracker.point(), Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            log.warn("Committing the resume point failed: {}", e.toString());
        }
    }

    /** Reads the stored point after a failed first read; true once it was read. */
    private boolean loadLate() {
        try {
            Optional<ResumePoint> stored = store.load(ResumePointStore.LOAD_TIMEOUT);
            loaded = true;
            createTopics();
            stored.ifPresent(p -> {
                log.info("Read the resume point of {} late: recovering from {}", config.workspace(), p.occurred());
                coordinator.recoverFrom(p.occurred().minus(EventCursor.SLACK));
            });
            return true;
        } catch (RuntimeException e) {
            log.warn(
                    "The resume point is still unreadable ({}); not committing yet",
                    e.getClass().getSimpleName());
            return false;
        }
    }

    private static void ensureTopics(IngestConfig config) {
        RecoverySettings s = config.recovery();
        if (!s.createTopics()) {
            return;
        }
        Map<String, String> compact = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        TopicProvisioner.ensure(
                config.kafka(),
                List.of(
                        new NewTopic(s.cursorTopic(), 1, s.replication()).configs(compact),
                        new NewTopic(config.history().topic(), s.partitions(), s.replication()).configs(compact)));
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        if (subscriber != null) {
            subscriber.close();
        }
        if (coordinator != null) {
            coordinator.close();
        }
        if (history != null) {
            history.close();
        }
        committer.shutdownNow();
        try {
            committer.awaitTermination(5, TimeUnit.SECONDS);
            // Bounded, unlike flush(): in-flight events hold the point back anyway.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (tracker != null && tracker.pending() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (tracker != null && loaded) {
            commit();
        }
    }
}
