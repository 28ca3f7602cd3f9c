package dev.flowpulse.sink;

import static dev.flowpulse.sink.SampleSeries.deployed;
import static dev.flowpulse.sink.SampleSeries.durations;
import static dev.flowpulse.sink.SampleSeries.finished;
import static dev.flowpulse.sink.SampleSeries.state;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.contract.DurationHistogram;
import dev.flowpulse.contract.FinishedSeries;
import dev.flowpulse.contract.FinishedTotal;
import dev.flowpulse.contract.JsonSerde;
import dev.flowpulse.contract.StateSeries;
import dev.flowpulse.contract.StateTotal;
import dev.flowpulse.contract.Topics;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TotalsRecordDecoderTest {

    private static final String STATES = Topics.STATE_TOTALS;
    private static final String FINISHED = Topics.FINISHED_TOTALS;

    private final TotalsRecordDecoder decoder = new TotalsRecordDecoder(STATES, FINISHED);
    private final StateSeries running = state(deployed("Running"));
    private final FinishedSeries failed = finished(deployed("Failed"));

    @Test
    void shouldDecodeAStateTotalWrittenWithTheContractSerde() {
        TotalsUpdate update = decoder.decode(STATES, key(running), value(new StateTotal(running, 12)));

        assertThat(update).isEqualTo(new TotalsUpdate.StateCount(running, 12));
    }

    @Test
    void shouldDecodeAFinishedTotalWrittenWithTheContractSerde() {
        DurationHistogram h = durations(3.0, 95.0);

        TotalsUpdate update = decoder.decode(FINISHED, key(failed), value(new FinishedTotal(failed, h)));

        assertThat(update).isEqualTo(new TotalsUpdate.Finished(failed, new FinishedTotal(failed, h)));
    }

    @Test
    void shouldRejectAValueThatIsNotJson() {
        TotalsUpdate update = decoder.decode(STATES, key(running), "not json".getBytes(StandardCharsets.UTF_8));

        assertThat(reason(update)).isEqualTo(RejectReason.UNREADABLE_VALUE);
    }

    @Test
    void shouldRejectAKeyThatIsNotASeries() {
        TotalsUpdate update = decoder.decode(
                FINISHED, "[1,2]".getBytes(StandardCharsets.UTF_8), value(new FinishedTotal(failed, durations(1.0))));

        assertThat(reason(update)).isEqualTo(RejectReason.UNREADABLE_KEY);
    }

    @Test
    void shouldRejectARecordWithoutKey() {
        assertThat(reason(decoder.decode(STATES, null, value(new StateTotal(running, 1)))))
                .isEqualTo(RejectReason.UNREADABLE_KEY);
    }

    @Test
    void shouldIgnoreTombstonesBecauseCountersMustNotGoBackwards() {
        assertThat(reason(decoder.decode(STATES, key(running), null))).isEqualTo(RejectReason.TOMBSTONE);
        assertThat(reason(decoder.decode(FINISHED, key(failed), null))).isEqualTo(RejectReason.TOMBSTONE);
    }

    @Test
    void shouldRejectAValueForAnotherSeriesThanItsKey() {
        StateSeries completed = state(deployed("Completed"));

        TotalsUpdate update = decoder.decode(STATES, key(running), value(new StateTotal(completed, 2)));

        assertThat(reason(update)).isEqualTo(RejectReason.KEY_VALUE_MISMATCH);
    }

    @Test
    void shouldRejectAHistogramWhoseCountIsNotTheSumOfItsBuckets() {
        DurationHistogram h = durations(3.0, 95.0);
        DurationHistogram inconsistent = new DurationHistogram(h.count() + 1, h.sumSeconds(), h.counts());

        TotalsUpdate update = decoder.decode(FINISHED, key(failed), value(new FinishedTotal(failed, inconsistent)));

        assertThat(reason(update)).isEqualTo(RejectReason.INVALID_VALUE);
    }

    @Test
    void shouldRejectANegativeCount() {
        assertThat(reason(decoder.decode(STATES, key(running), value(new StateTotal(running, -1)))))
                .isEqualTo(RejectReason.INVALID_VALUE);
    }

    private static RejectReason reason(TotalsUpdate update) {
        assertThat(update).isInstanceOf(TotalsUpdate.Rejected.class);
        return ((TotalsUpdate.Rejected) update).reason();
    }

    @SuppressWarnings("unchecked")
    private static <T> byte[] key(T key) {
        return JsonSerde.of((Class<T>) key.getClass()).serialize("t", key);
    }

    private static <T> byte[] value(T value) {
        return key(value);
    }
}
