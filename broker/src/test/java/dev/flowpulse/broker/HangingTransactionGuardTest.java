package dev.flowpulse.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.broker.HangingTransactionGuard.OpenTransaction;
import dev.flowpulse.broker.HangingTransactionGuard.Outcome;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.requests.TransactionResult;
import org.apache.kafka.coordinator.transaction.TransactionMetadata;
import org.apache.kafka.coordinator.transaction.TransactionState;
import org.apache.kafka.server.common.TransactionVersion;
import org.junit.jupiter.api.Test;

/**
 * Which coordinator record decides an open transaction. The epochs are those of the hanging
 * transaction found in LocalRestartIT's data: its batches at epoch 5 on the partition, the
 * coordinator's {@code PrepareCommit} at epoch 6 (transactions v2 bump the epoch at the end).
 */
class HangingTransactionGuardTest {

    private static final TopicPartition CHANGELOG = new TopicPartition("flowpulse-streams-state-totals-changelog", 1);
    private static final TopicPartition OTHER = new TopicPartition("flowpulse.state-totals", 1);
    private static final OpenTransaction OPEN = new OpenTransaction(CHANGELOG, 2L, (short) 5, 0, 4L);

    private static TransactionMetadata record(
            long producerId, int epoch, TransactionState state, Set<TopicPartition> partitions, TransactionVersion v) {
        return new TransactionMetadata(
                "flowpulse-streams-f7af4702-45d7-4b01-bb71-0db1962a8390-1",
                producerId,
                producerId,
                -1L,
                (short) epoch,
                (short) -1,
                10_000,
                state,
                partitions,
                1_796_174_322_445L,
                1_796_174_322_640L,
                v);
    }

    @Test
    void shouldTakeTheVersion2PrepareCommitOfTheNextEpochAsACommit() {
        assertThat(HangingTransactionGuard.prepared(
                        record(
                                2,
                                6,
                                TransactionState.PREPARE_COMMIT,
                                Set.of(CHANGELOG, OTHER),
                                TransactionVersion.TV_2),
                        OPEN))
                .contains(new Outcome(TransactionResult.COMMIT, (short) 6, (short) 2));
        assertThat(HangingTransactionGuard.prepared(
                        record(2, 6, TransactionState.PREPARE_ABORT, Set.of(CHANGELOG), TransactionVersion.TV_2), OPEN))
                .contains(new Outcome(TransactionResult.ABORT, (short) 6, (short) 2));
    }

    @Test
    void shouldNeverTakeAnEarlierTransactionsDecisionUnderVersion2() {
        // The PrepareCommit that ended the transaction before (its batches at epoch 4) is at epoch 5.
        assertThat(HangingTransactionGuard.prepared(
                        record(2, 5, TransactionState.PREPARE_COMMIT, Set.of(CHANGELOG), TransactionVersion.TV_2),
                        OPEN))
                .isEmpty();
    }

    @Test
    void shouldIgnoreRecordsThatAreNoDecisionOnThisPartitionAndProducer() {
        assertThat(HangingTransactionGuard.prepared(
                        record(2, 6, TransactionState.PREPARE_COMMIT, Set.of(OTHER), TransactionVersion.TV_2), OPEN))
                .as("another partition")
                .isEmpty();
        assertThat(HangingTransactionGuard.prepared(
                        record(3, 6, TransactionState.PREPARE_COMMIT, Set.of(CHANGELOG), TransactionVersion.TV_2),
                        OPEN))
                .as("another producer id")
                .isEmpty();
        assertThat(HangingTransactionGuard.prepared(
                        record(2, 6, TransactionState.ONGOING, Set.of(CHANGELOG), TransactionVersion.TV_2), OPEN))
                .as("no decision yet")
                .isEmpty();
        assertThat(HangingTransactionGuard.prepared(
                        record(2, 6, TransactionState.COMPLETE_COMMIT, Set.of(), TransactionVersion.TV_2), OPEN))
                .as("a completion names no partitions")
                .isEmpty();
    }

    @Test
    void shouldTakeTheSameEpochUnderVersion1() {
        assertThat(HangingTransactionGuard.prepared(
                        record(2, 5, TransactionState.PREPARE_COMMIT, Set.of(CHANGELOG), TransactionVersion.TV_1),
                        OPEN))
                .contains(new Outcome(TransactionResult.COMMIT, (short) 5, (short) 1));
        assertThat(HangingTransactionGuard.prepared(
                        record(2, 6, TransactionState.PREPARE_COMMIT, Set.of(CHANGELOG), TransactionVersion.TV_1),
                        OPEN))
                .isEmpty();
    }
}
