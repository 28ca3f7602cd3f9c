package dev.flowpulse.ingest.publish;

/**
 * Sees every raw event {@link RawEventPublisher} hands to Kafka and how it ended, whichever
 * path sent it (websocket or gap filling): the resume point is derived from these outcomes.
 *
 * <p>Called on the sending thread ({@link #sent}) and on the producer's I/O thread (the rest);
 * implementations must be thread safe and quick.
 */
public interface PublishObserver {

    PublishObserver NONE = new PublishObserver() {
        @Override
        public void sent(RawEvent event) {}

        @Override
        public void acknowledged(RawEvent event) {}

        @Override
        public void failed(RawEvent event, boolean permanent) {}
    };

    /** Handed to the producer. */
    void sent(RawEvent event);

    /** Kafka acknowledged it (acks=all). */
    void acknowledged(RawEvent event);

    /** The send failed; {@code permanent} when no retry can help (the event is dead-lettered instead). */
    void failed(RawEvent event, boolean permanent);
}
