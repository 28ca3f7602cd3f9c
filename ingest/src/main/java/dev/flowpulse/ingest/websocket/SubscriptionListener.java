package dev.flowpulse.ingest.websocket;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * Told about each websocket connection of an {@link EventSubscriber}, so the span the server's
 * backfill cannot reach can be recovered elsewhere (gap filling through {@code /events/filter}).
 *
 * <p>{@link #connecting} runs on the reconnect loop before a connection opens; {@link #subscribed}
 * on an HttpClient thread once the filter went out; {@link #delivered} on the frame thread for
 * every event message. Implementations must be thread safe and must not block.
 */
public interface SubscriptionListener {

    SubscriptionListener NONE = new SubscriptionListener() {};

    /** A connection is about to subscribe from {@code since}. */
    default void connecting(Instant since) {}

    /** The connection asking from {@code since} is subscribed, at {@code at} (local clock). */
    default void subscribed(Instant since, Instant at) {}

    /** An event message arrived (before any dedupe or validation). */
    default void delivered(ObjectNode event) {}
}
