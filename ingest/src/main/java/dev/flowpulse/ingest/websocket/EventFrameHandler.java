package dev.flowpulse.ingest.websocket;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.FlowRunEventParser;
import dev.flowpulse.ingest.IngestMetrics;
import dev.flowpulse.ingest.prefect.ServerMessage;
import dev.flowpulse.ingest.publish.RawEvent;
import dev.flowpulse.ingest.publish.RawEventPublisher;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one complete websocket message after the handshake: publishes state-change events,
 * skips heartbeats and recent duplicates, dead-letters malformed frames, and turns a failed send
 * into a resubscription from before the lost event.
 *
 * <p>Called on the subscriber's single frame thread; send outcomes arrive on the Kafka producer's
 * I/O thread and only touch thread-safe collaborators. Logs never contain payloads or secrets.
 */
public final class EventFrameHandler {

    /** Dead-letter reason for an event Kafka refuses for good (too large, timestamp out of range). */
    public static final String UNPUBLISHABLE = "unpublishable";

    private static final Logger log = LoggerFactory.getLogger(EventFrameHandler.class);

    private final RawEventPublisher publisher;
    private final RecentEventIds recentIds;
    private final EventCursor cursor;
    private final IngestMetrics metrics;
    private final Runnable resubscribe;
    private volatile Consumer<ObjectNode> delivered = event -> {};

    /**
     * @param resubscribe called (on the producer's I/O thread) after a send failed and the cursor
     *                    was pulled back: the subscriber must reconnect so the event is replayed
     */
    public EventFrameHandler(
            RawEventPublisher publisher,
            RecentEventIds recentIds,
            EventCursor cursor,
            IngestMetrics metrics,
            Runnable resubscribe) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.recentIds = Objects.requireNonNull(recentIds, "recentIds");
        this.cursor = Objects.requireNonNull(cursor, "cursor");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.resubscribe = Objects.requireNonNull(resubscribe, "resubscribe");
    }

    /** {@code listener} sees every event message before it is checked or deduplicated (gap and drop detection). */
    public void onDelivered(Consumer<ObjectNode> listener) {
        this.delivered = Objects.requireNonNull(listener, "listener");
    }

    public void handle(String frame) {
        handle(ServerMessage.parse(frame), frame);
    }

    public void handle(ServerMessage message, String frame) {
        if (message instanceof ServerMessage.Event e) {
            handleEvent(e, frame);
        } else if (message instanceof ServerMessage.Malformed m) {
            deadLetter(frame, m.reason(), m.detail());
        } else if (message instanceof ServerMessage.Unknown u) {
            unknown(u.type());
        } else {
            // auth_success / auth_failure after the handshake: not expected, not harmful.
            unknown(message instanceof ServerMessage.AuthSuccess ? "auth_success" : "auth_failure");
        }
    }

    private void handleEvent(ServerMessage.Event message, String frame) {
        delivered.accept(message.event());
        RawEvent.Inspection inspection = RawEvent.inspect(message.event());
        if (inspection instanceof RawEvent.Publishable publishable) {
            publish(publishable.event(), frame);
        } else if (inspection instanceof RawEvent.Invalid invalid) {
            deadLetter(frame, invalid.reason(), invalid.detail());
        } else {
            metrics.eventSkipped(IngestMetrics.SKIP_NOT_A_STATE_CHANGE);
        }
    }

    private void publish(RawEvent event, String frame) {
        if (!recentIds.add(event.id())) {
            metrics.eventSkipped(IngestMetrics.SKIP_DUPLICATE);
            return;
        }
        publisher.publish(event, (metadata, error) -> {
            if (error == null) {
                cursor.acknowledged(event.occurred());
                metrics.eventPublished(event.occurred());
            } else {
                sendFailed(event, frame, error);
            }
        });
    }

    private void sendFailed(RawEvent event, String frame, Exception error) {
        metrics.publishError();
        if (isPermanent(error)) {
            log.error(
                    "Kafka refused event {} of flow run {} for good ({}); dead-lettering it",
                    event.id(),
                    event.flowRunId(),
                    error.toString());
            deadLetter(frame, UNPUBLISHABLE, error.getClass().getSimpleName());
            return;
        }
        log.warn(
                "Publishing event {} of flow run {} failed ({}); resubscribing from before it",
                event.id(),
                event.flowRunId(),
                error.toString());
        recentIds.remove(event.id());
        cursor.failed(event.occurred());
        resubscribe.run();
    }

    private void deadLetter(String frame, String reason, String detail) {
        byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        if (FlowRunEventParser.MALFORMED_JSON.equals(reason)) {
            // Jackson's message may quote part of the payload: keep it in the header only.
            log.warn("Dead-lettering a websocket message of {} bytes: {}", bytes.length, reason);
        } else {
            log.warn("Dead-lettering a websocket message of {} bytes: {} ({})", bytes.length, reason, detail);
        }
        metrics.deadLetter(reason);
        publisher.deadLetter(bytes, reason, detail, (metadata, error) -> {
            if (error != null) {
                metrics.publishError();
                log.error("Writing a dead letter ({}) failed: {}", reason, error.toString());
            }
        });
    }

    private void unknown(String type) {
        log.warn("Ignoring a websocket message of unknown type '{}'", clip(type));
        metrics.eventSkipped(IngestMetrics.SKIP_UNKNOWN_MESSAGE);
    }

    /** Errors a retry or replay cannot fix: resubscribing would loop on the same event forever. */
    static boolean isPermanent(Exception error) {
        return error instanceof RecordTooLargeException
                || error instanceof InvalidTimestampException
                || error instanceof SerializationException
                || error instanceof com.fasterxml.jackson.core.JsonProcessingException;
    }

    private static String clip(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
