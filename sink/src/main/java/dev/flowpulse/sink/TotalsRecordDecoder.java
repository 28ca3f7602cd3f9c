package dev.flowpulse.sink;

import dev.flowpulse.contract.DurationHistogram;
import dev.flowpulse.contract.FinishedSeries;
import dev.flowpulse.contract.FinishedTotal;
import dev.flowpulse.contract.JsonSerde;
import dev.flowpulse.contract.StateSeries;
import dev.flowpulse.contract.StateTotal;
import java.util.Arrays;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Turns the raw key and value bytes of a totals-topic record into a {@link TotalsUpdate}: decodes
 * them with the contract's {@link JsonSerde} and checks what a Prometheus sample needs (the key
 * and value agree, totals are not negative, a histogram's count is the sum of its buckets).
 * Never throws for bad input; every problem becomes a {@link TotalsUpdate.Rejected}.
 *
 * <p>Stateless and thread safe.
 */
public final class TotalsRecordDecoder {

    private static final JsonSerde<StateSeries> STATE_KEY = JsonSerde.of(StateSeries.class);
    private static final JsonSerde<StateTotal> STATE_VALUE = JsonSerde.of(StateTotal.class);
    private static final JsonSerde<FinishedSeries> FINISHED_KEY = JsonSerde.of(FinishedSeries.class);
    private static final JsonSerde<FinishedTotal> FINISHED_VALUE = JsonSerde.of(FinishedTotal.class);

    private final String stateTotalsTopic;
    private final String finishedTotalsTopic;

    public TotalsRecordDecoder(String stateTotalsTopic, String finishedTotalsTopic) {
        this.stateTotalsTopic = Objects.requireNonNull(stateTotalsTopic, "stateTotalsTopic");
        this.finishedTotalsTopic = Objects.requireNonNull(finishedTotalsTopic, "finishedTotalsTopic");
    }

    public TotalsUpdate decode(String topic, byte[] key, byte[] value) {
        if (topic.equals(stateTotalsTopic)) {
            return decodeState(topic, key, value);
        }
        if (topic.equals(finishedTotalsTopic)) {
            return decodeFinished(topic, key, value);
        }
        throw new IllegalArgumentException("Not a totals topic: " + topic);
    }

    private static TotalsUpdate decodeState(String topic, byte[] keyBytes, byte[] valueBytes) {
        StateSeries key;
        StateTotal value;
        try {
            key = STATE_KEY.deserialize(topic, keyBytes);
        } catch (SerializationException e) {
            return new TotalsUpdate.Rejected(RejectReason.UNREADABLE_KEY, e.getMessage());
        }
        if (key == null || key.labels() == null || key.stateType() == null || key.state() == null) {
            return new TotalsUpdate.Rejected(RejectReason.UNREADABLE_KEY, "key is missing or incomplete");
        }
        if (valueBytes == null) {
            return new TotalsUpdate.Rejected(RejectReason.TOMBSTONE, "tombstone for " + key);
        }
        try {
            value = STATE_VALUE.deserialize(topic, valueBytes);
        } catch (SerializationException e) {
            return new TotalsUpdate.Rejected(RejectReason.UNREADABLE_VALUE, e.getMessage());
        }
        if (value == null) {
            return new TotalsUpdate.Rejected(RejectReason.UNREADABLE_VALUE, "value is JSON null");
        }
        if (!key.equals(value.series())) {
            return new TotalsUpdate.Rejected(RejectReason.KEY_VALUE_MISMATCH, "value series differs from key " + key);
        }
        if (value.count() < 0) {
            return new TotalsUpdate.Rejected(RejectReason.INVALID_VALUE, "negative count for " + key);
        }
        return new TotalsUpdate.StateCount(key, value.count());
    }

    private static TotalsUpdate decodeFinished(String topic, byte[] keyBytes, byte[] valueBytes) {
        FinishedSeries key;
        FinishedTotal value;
        try {
            key = FINISHED_KEY.deserialize(topic, keyBytes);
        } catch (SerializationException e) {
            return new TotalsUpdate.Rejected(RejectReason.UNREADABLE_KEY, e.getMessage());
        }
        if (key == null || key.labels() == null || key.stateType() == null) {
            return new TotalsUpdate.Rejected(RejectReason.UNREADABLE_KEY, "key is missing or incomplete");
        }
        if (valueBytes == null) {
            return new TotalsUpdate.Rejected(RejectReason.TOMBSTONE, "tombstone for " + key);
        }
        try {
            value = FINISHED_VALUE.deserialize(topic, valueBytes);
        } catch (SerializationException e) {
            return new TotalsUpdate.Rejected(RejectReason.UNREADABLE_VALUE, e.getMessage());
        }
        if (value == null) {
            return new TotalsUpdate.Rejected(RejectReason.UNREADABLE_VALUE, "value is JSON null");
        }
        if (!key.equals(value.series())) {
            return new TotalsUpdate.Rejected(RejectReason.KEY_VALUE_MISMATCH, "value series differs from key " + key);
        }
        if (value.histogram() == null || !isConsistent(value.histogram())) {
            return new TotalsUpdate.Rejected(RejectReason.INVALID_VALUE, "inconsistent histogram for " + key);
        }
        if (value.unknownDurationCount() < 0) {
            return new TotalsUpdate.Rejected(RejectReason.INVALID_VALUE, "negative unknown_duration_count for " + key);
        }
        return new TotalsUpdate.Finished(key, value);
    }

    /** Prometheus derives {@code _count} from the buckets, so they must add up to the record's count. */
    static boolean isConsistent(DurationHistogram h) {
        boolean nonNegative = h.count() >= 0 && Arrays.stream(h.counts()).allMatch(c -> c >= 0);
        boolean finiteSum = Double.isFinite(h.sumSeconds()) && h.sumSeconds() >= 0;
        return nonNegative && finiteSum && Arrays.stream(h.counts()).sum() == h.count();
    }
}
