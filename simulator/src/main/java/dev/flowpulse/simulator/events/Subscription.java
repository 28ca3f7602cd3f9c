package dev.flowpulse.simulator.events;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One live subscriber's queue, like Prefect's {@code stream.events()}: events that pass the live
 * filter are offered to a bounded queue; when it is full the event is silently dropped for this
 * subscriber (and counted), as with Prefect's {@code SUBSCRIPTION_BACKLOG}. While held, the
 * consumer gets nothing, as when the server's writer is stuck behind a slow reader, so the queue
 * fills and the drop rule applies deterministically.
 *
 * <p>Thread safe (one monitor): publishers call {@link #offer}, one consumer calls {@link #poll}.
 */
public final class Subscription {

    private final EventFilter filter;
    private final int capacity;
    private final ArrayDeque<StoredEvent> queue = new ArrayDeque<>();
    private long dropped;
    private boolean held;
    private boolean closed;
    private boolean live;

    public Subscription(EventFilter filter, int backlog, boolean held) {
        this.filter = filter;
        this.capacity = Math.max(1, backlog);
        this.held = held;
    }

    /** Queues the event if the live filter includes it; drops it when the backlog is full. */
    public synchronized void offer(StoredEvent event) {
        if (closed || !filter.includesLive(event)) {
            return;
        }
        if (queue.size() >= capacity) {
            dropped++;
            return;
        }
        queue.addLast(event);
        notifyAll();
    }

    /** Next queued event, or null after the timeout, while held, or once closed. */
    public synchronized StoredEvent poll(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!closed && (held || queue.isEmpty())) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return null;
            }
            wait(left);
        }
        return closed ? null : queue.pollFirst();
    }

    synchronized void hold(boolean held) {
        this.held = held;
        notifyAll();
    }

    public synchronized void close() {
        closed = true;
        notifyAll();
    }

    /** Called by the consumer once its backfill is sent: from now on it only streams this queue. */
    public synchronized void markLive() {
        live = true;
    }

    /** True once the consumer's backfill is sent (an event published from then on comes only live). */
    public synchronized boolean isLive() {
        return live && !closed;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    public synchronized long dropped() {
        return dropped;
    }
}
