package dev.flowpulse.simulator.events;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One live subscriber's queue, like Prefect's {@code stream.events()}: events that pass the live
 * filter are offered to a bounded queue; when it is full the event is silently dropped for this
 * subscriber (and counted), as with Prefect's {@code SUBSCRIPTION_BACKLOG}.
 *
 * <p>Thread safe: publishers call {@link #offer}, one consumer calls {@link #poll}.
 */
public final class Subscription {

    private final EventFilter filter;
    private final BlockingQueue<StoredEvent> queue;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    public Subscription(EventFilter filter, int backlog) {
        this.filter = filter;
        this.queue = new ArrayBlockingQueue<>(Math.max(1, backlog));
    }

    /** Queues the event if the live filter includes it; drops it when the backlog is full. */
    public void offer(StoredEvent event) {
        if (closed || !filter.includesLive(event)) {
            return;
        }
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    /** Next queued event, or null after the timeout or once closed. */
    public StoredEvent poll(long timeoutMillis) throws InterruptedException {
        return closed ? null : queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    public long dropped() {
        return dropped.get();
    }
}
