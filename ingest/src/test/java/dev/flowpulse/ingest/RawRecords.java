package dev.flowpulse.ingest;

import dev.flowpulse.broker.EmbeddedKafkaBroker;
import dev.flowpulse.contract.DeadLetters;
import dev.flowpulse.contract.HeaderNames;
import dev.flowpulse.testkit.CommittedRecords;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The raw topic as a downstream consumer sees it (testkit's {@link CommittedRecords}:
 * {@code read_committed}, every partition from the beginning), read through ingest's headers:
 * keys as strings, event ids, sources. Each call polls once more and answers for everything read so far; a topic
 * not created yet reads as empty.
 *
 * <p>Thread safe (synchronized): awaits may poll from another thread.
 */
public final class RawRecords implements AutoCloseable {

    private final CommittedRecords<String, byte[]> reader;

    public RawRecords(EmbeddedKafkaBroker broker, String topic) {
        this.reader = CommittedRecords.open(
                broker.clientProperties(), new StringDeserializer(), new ByteArrayDeserializer(), topic);
    }

    public synchronized List<ConsumerRecord<String, byte[]>> poll() {
        return reader.poll();
    }

    /** Every record's {@code flowpulse.event-id}, duplicates included. */
    public List<String> eventIds() {
        return poll().stream()
                .map(r -> DeadLetters.get(r.headers(), HeaderNames.EVENT_ID))
                .toList();
    }

    public Set<String> distinctEventIds() {
        return eventIds().stream().collect(Collectors.toSet());
    }

    /** Records whose {@code flowpulse.source} header is {@code source}. */
    public long fromSource(String source) {
        return poll().stream()
                .filter(r -> source.equals(DeadLetters.get(r.headers(), HeaderNames.SOURCE)))
                .count();
    }

    @Override
    public synchronized void close() {
        reader.close();
    }
}
