package dev.flowpulse.contract;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one Jackson configuration flowpulse uses for its own topics: snake_case fields, ISO-8601
 * instants, properties sorted so that records used as Kafka keys serialize to identical bytes.
 * Unknown properties are tolerated so that consumers survive additive schema changes.
 *
 * <p>The mapper is immutable after construction and safe to share between threads.
 */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .build();

    /** A mapper for Prefect's own payloads: field names exactly as Prefect writes them. */
    private static final ObjectMapper PREFECT = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {}

    /** Mapper for flowpulse's own records (snake_case, sorted keys). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Mapper for Prefect wire payloads (no renaming). */
    public static ObjectMapper prefect() {
        return PREFECT;
    }

    /**
     * A one-line description of a Jackson failure that never quotes the input: the failure's kind
     * and where it happened. Jackson's own messages can quote payload text (user data, possibly
     * secrets), and these descriptions end up in logs and dead-letter headers.
     */
    public static String describe(JsonProcessingException e) {
        JsonLocation where = e.getLocation();
        String kind = e.getClass().getSimpleName();
        if (where == null || where.getLineNr() < 0) {
            return kind;
        }
        return kind + " at line " + where.getLineNr() + ", column " + where.getColumnNr();
    }
}
