package dev.flowpulse.ingest.gap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.ingest.IngestMetrics;
import dev.flowpulse.ingest.publish.RawEvent;
import dev.flowpulse.ingest.publish.RawEventPublisher;
import dev.flowpulse.ingest.publish.SendErrors;
import dev.flowpulse.ingest.rest.PrefectApiException;
import dev.flowpulse.ingest.websocket.RecentEventIds;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the events of a span read through {@link EventsFilterPager} that nobody published
 * yet: each stored state-change event goes to the raw topic with {@code flowpulse.source=events-filter}
 * unless its id is in the recent-ids cache shared with the websocket path; malformed events are
 * dead-lettered as on the websocket. A fill succeeds once Kafka acknowledged every event it sent.
 *
 * <p>Used from the recovery thread only; collaborators are thread safe.
 */
public final class GapFiller {

    static final Duration ACK_TIMEOUT = Duration.ofMinutes(2);

    private static final Logger log = LoggerFactory.getLogger(GapFiller.class);

    private final EventsFilterPager pager;
    private final RawEventPublisher publisher;
    private final RecentEventIds recentIds;
    private final FollowsWatcher watcher;
    private final SeenEvents seenEvents;
    private final IngestMetrics metrics;
    private final GapMetrics gapMetrics;

    public GapFiller(
            EventsFilterPager pager,
            RawEventPublisher publisher,
            RecentEventIds recentIds,
            FollowsWatcher watcher,
            SeenEvents seenEvents,
            IngestMetrics metrics,
            GapMetrics gapMetrics) {
        this.pager = pager;
        this.publisher = publisher;
        this.recentIds = recentIds;
        this.watcher = watcher;
        this.seenEvents = seenEvents;
        this.metrics = metrics;
        this.gapMetrics = gapMetrics;
    }

    /** Reads all of {@code [since, until]}; true when every recovered event is on the raw topic. */
    public boolean fill(Instant since, Instant until, String reason) throws InterruptedException {
        Batch batch = new Batch();
        try {
            EventsFilterPager.Result result = pager.read(since, until, batch::offer);
            boolean ok = batch.await();
            gapMetrics.filled(reason, ok, batch.sent, Duration.between(since, until), result.unreachable());
            if (batch.sent > 0 || !result.unreachable().isZero()) {
                log.info(
                        "Gap fill ({}) {} → {}: {} stored events in {} page(s), {} recovered{}",
                        reason,
                        result.since(),
                        until,
                        result.events(),
                        result.pages(),
                        batch.sent,
                        ok ? "" : ", some sends failed");
            }
            return ok;
        } catch (PrefectApiException e) {
            batch.await();
            gapMetrics.filled(reason, false, batch.sent, Duration.between(since, until), Duration.ZERO);
            log.warn("Gap fill ({}) {} → {} failed: {}", reason, since, until, e.getMessage());
            return false;
        }
    }

    /** One page at most, for the periodic re-read and the late-arrival check; empty when the request failed. */
    public Optional<EventsFilterPager.OnePage> firstPage(Instant since, Instant until, String reason)
            throws InterruptedException {
        Batch batch = new Batch();
        try {
            EventsFilterPager.OnePage page = pager.readOnePage(since, until, batch::offer);
            boolean ok = batch.await();
            gapMetrics.filled(reason, ok, batch.sent, Duration.between(since, until), Duration.ZERO);
            if (batch.sent > 0) {
                log.warn(
                        "{} {} → {} found {} event(s) the websocket never delivered: published",
                        reason.equals(GapMetrics.REREAD) ? "Re-read" : "Late-arrival check",
                        since,
                        until,
                        batch.sent);
            }
            return ok ? Optional.of(page) : Optional.empty();
        } catch (PrefectApiException e) {
            batch.await();
            gapMetrics.filled(reason, false, batch.sent, Duration.ZERO, Duration.ZERO);
            log.warn("Reading {} → {} ({}) failed: {}", since, until, reason, e.getMessage());
            return Optional.empty();
        }
    }

    /** The sends of one fill and their outcomes. */
    private final class Batch {
        final List<CompletableFuture<Boolean>> outcomes = new ArrayList<>();
        int sent;

        void offer(ObjectNode event) {
            String id = event.path("id").asText("");
            if (!id.isEmpty()) {
                watcher.seen(id);
                Instant occurred = RawEvent.occurredOrNull(event);
                if (occurred != null) {
                    seenEvents.seen(id, occurred);
                }
            }
            RawEvent.Inspection inspection = RawEvent.inspect(event);
            if (inspection instanceof RawEvent.Publishable p) {
                publish(p.event());
            } else if (inspection instanceof RawEvent.Invalid invalid) {
                byte[] bytes = event.toString().getBytes(StandardCharsets.UTF_8);
                metrics.deadLetter(invalid.reason());
                publisher.deadLetter(bytes, invalid.reason(), invalid.detail(), (m, e) -> {
                    if (e != null) {
                        metrics.publishError();
                    }
                });
            } else {
                metrics.eventSkipped(IngestMetrics.SKIP_NOT_A_STATE_CHANGE);
            }
        }

        private void publish(RawEvent event) {
            if (!recentIds.add(event.id())) {
                metrics.eventSkipped(IngestMetrics.SKIP_DUPLICATE);
                return;
            }
            sent++;
            CompletableFuture<Boolean> outcome = new CompletableFuture<>();
            outcomes.add(outcome);
            publisher.publish(event, RawEventPublisher.SOURCE_EVENTS_FILTER, (metadata, error) -> {
                if (error == null) {
                    metrics.eventPublished(event.occurred());
                    outcome.complete(true);
                } else if (SendErrors.isPermanent(error)) {
                    metrics.publishError();
                    log.error("Kafka refused recovered event {} for good ({})", event.id(), error.toString());
                    metrics.deadLetter("unpublishable");
                    publisher.deadLetter(
                            event.event().toString().getBytes(StandardCharsets.UTF_8),
                            "unpublishable",
                            error.getClass().getSimpleName(),
                            (m, e) -> {});
                    outcome.complete(true);
                } else {
                    metrics.publishError();
                    recentIds.remove(event.id());
                    outcome.complete(false);
                }
            });
        }

        boolean await() throws InterruptedException {
            boolean ok = true;
            long deadline = System.nanoTime() + ACK_TIMEOUT.toNanos();
            for (CompletableFuture<Boolean> outcome : outcomes) {
                try {
                    ok &= outcome.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    ok = false;
                }
            }
            return ok;
        }
    }
}
