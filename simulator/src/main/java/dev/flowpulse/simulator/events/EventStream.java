package dev.flowpulse.simulator.events;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live fan-out: every published event is offered to every open {@link Subscription} in
 * publish order (Prefect's in-memory messaging broker). {@link #hold} stalls delivery to every
 * subscriber, present and future, until released.
 *
 * <p>Thread safe.
 */
public final class EventStream {

    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final AtomicLong droppedByClosed = new AtomicLong();
    private volatile boolean held;

    public synchronized Subscription subscribe(EventFilter filter, int backlog) {
        Subscription subscription = new Subscription(filter, backlog, held);
        subscriptions.add(subscription);
        return subscription;
    }

    public void unsubscribe(Subscription subscription) {
        subscription.close();
        if (subscriptions.remove(subscription)) {
            droppedByClosed.addAndGet(subscription.dropped());
        }
    }

    public void publish(StoredEvent event) {
        for (Subscription s : subscriptions) {
            s.offer(event);
        }
    }

    /** Stalls (true) or resumes (false) every subscriber's delivery; queued events stay queued. */
    public synchronized void hold(boolean held) {
        this.held = held;
        subscriptions.forEach(s -> s.hold(held));
    }

    /** Open subscriptions past their backfill: what is published now reaches them only live. */
    public int liveSize() {
        return (int) subscriptions.stream().filter(Subscription::isLive).count();
    }

    public int size() {
        return subscriptions.size();
    }

    /** Events dropped because a subscriber's backlog was full, over the server's lifetime. */
    public long droppedEvents() {
        long open = subscriptions.stream().mapToLong(Subscription::dropped).sum();
        return droppedByClosed.get() + open;
    }
}
