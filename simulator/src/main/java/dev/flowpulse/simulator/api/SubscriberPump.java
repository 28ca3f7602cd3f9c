package dev.flowpulse.simulator.api;

import dev.flowpulse.simulator.events.EventFilter;
import dev.flowpulse.simulator.events.StoredEvent;
import dev.flowpulse.simulator.events.Subscription;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one subscribed session (reference §2, backfill and live): subscribes to the live stream
 * first, replays the stored matches (since clamped to now − backfill window, ascending), then
 * sends live events in publish order, skipping once a live event already backfilled. Each send
 * waits until written, so a slow reader backs up into the bounded {@link Subscription} queue,
 * which drops like Prefect's.
 *
 * <p>Lifecycle: {@link #start} runs it on its own daemon thread until the session ends, is
 * silenced, or {@link #stop()}; then it unsubscribes. Thread safe.
 */
final class SubscriberPump implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriberPump.class);
    private static final long POLL_MILLIS = 200;

    private final EventsOutSession session;
    private final EventsOutContext context;
    private final EventFilter filter;
    private final boolean wantsBackfill;
    private final Subscription subscription;

    private SubscriberPump(EventsOutSession session, EventsOutContext context, EventFilter filter, boolean backfill) {
        this.session = session;
        this.context = context;
        this.filter = filter;
        this.wantsBackfill = backfill;
        // subscribe to the live stream first so nothing published during the backfill is missed
        this.subscription = context.stream().subscribe(filter, context.backlog());
    }

    static SubscriberPump start(
            EventsOutSession session, EventsOutContext context, EventFilter filter, boolean backfill) {
        SubscriberPump pump = new SubscriberPump(session, context, filter, backfill);
        Thread thread = new Thread(pump, "prefect-sim-subscriber");
        thread.setDaemon(true);
        thread.start();
        return pump;
    }

    @Override
    public void run() {
        try {
            Set<String> backfilled = new HashSet<>();
            if (wantsBackfill) {
                EventFilter window =
                        filter.forBackfill(context.clock().instant().minus(context.backfillWindow()));
                for (StoredEvent e : context.store().query(window::includesStored)) {
                    if (!session.mayStream()) {
                        return;
                    }
                    backfilled.add(e.id());
                    session.sendAndWait(envelope(e));
                }
            }
            subscription.markLive();
            while (!subscription.isClosed() && session.mayStream()) {
                StoredEvent e = subscription.poll(POLL_MILLIS);
                if (e == null || backfilled.remove(e.id())) {
                    continue;
                }
                if (session.mayStream()) {
                    session.sendAndWait(envelope(e));
                }
            }
        } catch (IOException e) {
            LOG.debug("Subscriber went away: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            context.stream().unsubscribe(subscription);
        }
    }

    void stop() {
        subscription.close();
    }

    /** The wire form of one event message: {@code {"type":"event","event":<ReceivedEvent>}}. */
    static String envelope(StoredEvent e) {
        return "{\"type\":\"event\",\"event\":" + e.json() + "}";
    }
}
