package dev.flowpulse.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The single JSON serde for flowpulse records. {@code null} maps to {@code null} both ways (so
 * tombstones pass through); any Jackson failure is wrapped in Kafka's {@link SerializationException}
 * naming the target type, never the payload (payloads may carry user text). Jackson's own
 * exception is not chained as the cause: its message quotes the input, and error handlers log causes.
 *
 * <p>Stateless and thread safe.
 */
public final class JsonSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Class<T> type;
    /**
     * Bound to the type once (no root-type lookup per record); for a final type (every record) the
     * output is the mapper's, byte for byte. A non-final type keeps the mapper's runtime-type lookup.
     */
    private final ObjectWriter writer;

    private final ObjectReader reader;

    public JsonSerde(Class<T> type) {
        this.type = Objects.requireNonNull(type, "type");
        this.writer = Modifier.isFinal(type.getModifiers())
                ? Json.mapper().writerFor(type)
                : Json.mapper().writer();
        this.reader = Json.mapper().readerFor(type);
    }

    public static <T> JsonSerde<T> of(Class<T> type) {
        return new JsonSerde<>(type);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        try {
            return writer.writeValueAsBytes(data);
        } catch (IOException e) {
            throw new SerializationException("Cannot serialize " + type.getSimpleName() + " for topic " + topic, e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return reader.readValue(data);
        } catch (JsonProcessingException e) {
            throw new SerializationException(
                    "Cannot deserialize " + type.getSimpleName() + " from topic " + topic + ": " + Json.describe(e));
        } catch (IOException e) {
            throw new SerializationException("Cannot deserialize " + type.getSimpleName() + " from topic " + topic, e);
        }
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // configured by construction
    }

    @Override
    public void close() {
        // nothing to release
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }
}
