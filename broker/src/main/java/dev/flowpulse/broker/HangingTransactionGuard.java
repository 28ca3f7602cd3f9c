package dev.flowpulse.broker;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.requests.TransactionResult;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.coordinator.transaction.TransactionLog;
import org.apache.kafka.coordinator.transaction.TransactionMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and completes hanging transactions: a partition holding an open transaction (its last
 * stable offset stuck, so every {@code read_committed} consumer, Kafka Streams' restore included,
 * waits forever) whose transaction coordinator no longer has that partition pending.
 *
 * <p><b>Why.</b> Kafka 4.4's {@code KRaftMetadataCache.getPartitionLeaderEndpoint} answers "no
 * such partition" instead of "leader unknown" while a partition has no leader (KAFKA-20734). The
 * transaction coordinator then takes the partition for deleted and completes the transaction
 * without writing its marker there. On this single-node broker that happens when it restarts
 * after a {@code kill -9} in the middle of a commit: the coordinator finishes the commit while the
 * partitions are still leaderless, and the commit is recorded as complete with markers missing on
 * some partitions (reproduced in 2 of 3 kill cycles with 40 partitions per transaction).
 *
 * <p><b>How.</b> Every scan asks every partition for its open transactions ({@code
 * DescribeProducers}) and the coordinator for the owning transactions ({@code ListTransactions},
 * {@code DescribeTransactions}), like {@code kafka-transactions.sh find-hanging}, without that
 * tool's age filter: an open transaction is a suspect when the coordinator does not have the
 * partition pending in an open state. A suspect seen again, unchanged, by the next scan is hanging
 * (a marker the coordinator wrote is appended before the coordinator drops the partition, so a
 * race can make a suspect, never a hanging one). Its outcome is read from the coordinator's own
 * log, {@code __transaction_state}: the {@code PrepareCommit} or {@code PrepareAbort} record of
 * that producer id and epoch listing the partition. The guard then writes the marker the
 * coordinator skipped (same result, producer epoch and transaction version); a transaction whose
 * outcome is not in the log any more is aborted ({@code Admin.abortTransaction}, what Kafka's tool
 * does). Each repair is a WARN line and counted in {@link #repaired()}.
 *
 * <p>Runs on one thread (the broker's guard scheduler). Reading counts is thread safe.
 */
final class HangingTransactionGuard {

    private static final Logger log = LoggerFactory.getLogger(HangingTransactionGuard.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final int BATCH = 500;
    /**
     * How long a suspect must stay open, unchanged, before it is completed. A coordinator that
     * moved on has written its marker before it dropped the partition, so the race a scan can see
     * lasts milliseconds; a hanging transaction stays for ever.
     */
    private static final Duration CONFIRM_AFTER = Duration.ofSeconds(10);
    /** For a producer no coordinator lists: Kafka's default {@code transaction.max.timeout.ms}, the age {@code find-hanging} asks for. */
    private static final Duration UNKNOWN_CONFIRM_AFTER = Duration.ofMinutes(15);

    private final Admin admin;
    private final Properties clientProperties;
    private final TransactionMarkerWriter markers;
    /** Suspects of earlier scans, with when they were first seen ({@link System#nanoTime()}). */
    private Map<OpenTransaction, Long> suspects = new HashMap<>();

    private int failedScans;

    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong aborted = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    HangingTransactionGuard(Admin admin, Properties clientProperties, TransactionMarkerWriter markers) {
        this.admin = admin;
        this.clientProperties = clientProperties;
        this.markers = markers;
    }

    /** An open transaction on one partition, as {@code DescribeProducers} reports it. */
    record OpenTransaction(
            TopicPartition partition, long producerId, short producerEpoch, int coordinatorEpoch, long startOffset) {}

    /** Repairs by result: {@code commit}, {@code abort}, {@code failed}. */
    Map<String, Long> repaired() {
        return Map.of("commit", committed.get(), "abort", aborted.get(), "failed", failed.get());
    }

    /** One scan; never throws (a broker that is not ready yet is scanned again next time). */
    void scan() {
        try {
            long now = System.nanoTime();
            Map<OpenTransaction, Suspicion> found = suspects();
            Map<OpenTransaction, Long> seen = new HashMap<>();
            Map<List<Long>, List<OpenTransaction>> hanging =
                    new java.util.TreeMap<>(java.util.Comparator.<List<Long>, Long>comparing(k -> k.get(0))
                            .thenComparing(k -> k.get(1)));
            Map<List<Long>, Suspicion> kinds = new HashMap<>();
            found.forEach((txn, suspicion) -> {
                long first = suspects.getOrDefault(txn, now);
                Duration wait = suspicion == Suspicion.COORDINATOR_MOVED_ON ? CONFIRM_AFTER : UNKNOWN_CONFIRM_AFTER;
                if (now - first >= wait.toNanos()) {
                    List<Long> key = List.of(txn.producerId(), (long) txn.producerEpoch());
                    hanging.computeIfAbsent(key, k -> new ArrayList<>()).add(txn);
                    kinds.merge(key, suspicion, (a, b) -> a == b ? a : Suspicion.UNKNOWN_TRANSACTION);
                } else {
                    seen.put(txn, first);
                }
            });
            suspects = seen;
            for (var e : hanging.entrySet()) {
                complete(e.getValue(), kinds.get(e.getKey()));
            }
            failedScans = 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // A broker still starting fails a scan or two; one that keeps failing is worth a line.
            if (++failedScans == 10) {
                log.warn("Hanging-transaction scans keep failing (retried every scan): {}", e.toString());
            } else {
                log.debug("Hanging-transaction scan failed (retried next scan): {}", e.toString());
            }
        }
    }

    /** Why an open transaction is suspected of hanging. */
    enum Suspicion {
        /** Its coordinator knows the producer and is past this transaction, without the partition pending. */
        COORDINATOR_MOVED_ON,
        /** No coordinator lists the producer id (lost, or a coordinator still loading). */
        UNKNOWN_TRANSACTION
    }

    /**
     * Open transactions whose coordinator does not have the partition pending. An open
     * transaction is left alone while its coordinator has it open with the partition, and while
     * the coordinator reports an open transaction of that very epoch (in no state it could be
     * hanging in: a partition joins a transaction at the coordinator before its data is written).
     */
    Map<OpenTransaction, Suspicion> suspects() throws InterruptedException, ExecutionException, TimeoutException {
        List<OpenTransaction> open = openTransactions();
        Map<OpenTransaction, Suspicion> result = new HashMap<>();
        if (open.isEmpty()) {
            return result;
        }
        Set<Long> producerIds = new HashSet<>();
        open.forEach(t -> producerIds.add(t.producerId()));
        Map<Long, String> transactionalIds = new HashMap<>();
        for (TransactionListing listing : admin.listTransactions(
                        new ListTransactionsOptions().filterProducerIds(producerIds))
                .all()
                .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            transactionalIds.put(listing.producerId(), listing.transactionalId());
        }
        Map<String, TransactionDescription> descriptions = describe(new HashSet<>(transactionalIds.values()));
        for (OpenTransaction txn : open) {
            String id = transactionalIds.get(txn.producerId());
            TransactionDescription d = id == null ? null : descriptions.get(id);
            if (d == null) {
                result.put(txn, Suspicion.UNKNOWN_TRANSACTION);
                continue;
            }
            boolean pending = d.producerId() == txn.producerId()
                    && isOpen(d.state())
                    && (d.topicPartitions().contains(txn.partition()) || d.producerEpoch() == txn.producerEpoch());
            if (!pending) {
                result.put(txn, Suspicion.COORDINATOR_MOVED_ON);
            }
        }
        return result;
    }

    private static boolean isOpen(TransactionState state) {
        return state == TransactionState.ONGOING
                || state == TransactionState.PREPARE_COMMIT
                || state == TransactionState.PREPARE_ABORT
                || state == TransactionState.PREPARE_EPOCH_FENCE;
    }

    private List<OpenTransaction> openTransactions() throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true))
                .names()
                .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        List<TopicPartition> partitions = new ArrayList<>();
        admin.describeTopics(topics)
                .allTopicNames()
                .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .forEach((topic, d) ->
                        d.partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition()))));
        List<OpenTransaction> open = new ArrayList<>();
        for (int i = 0; i < partitions.size(); i += BATCH) {
            admin.describeProducers(partitions.subList(i, Math.min(partitions.size(), i + BATCH)))
                    .all()
                    .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                    .forEach((tp, state) -> {
                        for (ProducerState p : state.activeProducers()) {
                            if (p.currentTransactionStartOffset().isPresent()) {
                                open.add(new OpenTransaction(
                                        tp,
                                        p.producerId(),
                                        (short) p.producerEpoch(),
                                        Math.max(0, p.coordinatorEpoch().orElse(0)),
                                        p.currentTransactionStartOffset().getAsLong()));
                            }
                        }
                    });
        }
        return open;
    }

    private Map<String, TransactionDescription> describe(Set<String> transactionalIds)
            throws InterruptedException, TimeoutException {
        Map<String, TransactionDescription> result = new HashMap<>();
        if (transactionalIds.isEmpty()) {
            return result;
        }
        var descriptions = admin.describeTransactions(transactionalIds);
        for (String id : transactionalIds) {
            try {
                result.put(id, descriptions.description(id).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TransactionalIdNotFoundException)) {
                    throw new IllegalStateException("Cannot describe transaction " + id, e.getCause());
                }
            }
        }
        return result;
    }

    /** Completes one transaction (a producer id and epoch) left open on these partitions. */
    private void complete(List<OpenTransaction> open, Suspicion suspicion)
            throws InterruptedException, ExecutionException, TimeoutException {
        OpenTransaction first = open.get(0);
        List<TopicPartition> partitions = open.stream()
                .map(OpenTransaction::partition)
                .sorted(java.util.Comparator.comparing(TopicPartition::toString))
                .toList();
        Optional<Outcome> outcome = suspicion == Suspicion.COORDINATOR_MOVED_ON ? outcome(first) : Optional.empty();
        for (OpenTransaction txn : open) {
            try {
                if (outcome.isPresent()) {
                    Outcome o = outcome.get();
                    markers.write(
                            txn.partition(),
                            txn.producerId(),
                            o.markerEpoch(),
                            txn.coordinatorEpoch(),
                            o.result(),
                            o.transactionVersion());
                    (o.result() == TransactionResult.COMMIT ? committed : aborted).incrementAndGet();
                } else {
                    admin.abortTransaction(new AbortTransactionSpec(
                                    txn.partition(), txn.producerId(), txn.producerEpoch(), txn.coordinatorEpoch()))
                            .all()
                            .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    aborted.incrementAndGet();
                }
            } catch (ExecutionException | RuntimeException e) {
                failed.incrementAndGet();
                log.error(
                        "Cannot complete the hanging transaction of producer id {} (epoch {}) on {}, open since offset"
                                + " {}: {}; read_committed consumers of it stay blocked (retried next scan)",
                        txn.producerId(),
                        txn.producerEpoch(),
                        txn.partition(),
                        txn.startOffset(),
                        e.toString());
            }
        }
        if (outcome.isPresent()) {
            log.warn(
                    "Completed a hanging transaction of producer id {} (epoch {}) on {} partitions {}: its coordinator"
                            + " recorded {} but never wrote the marker there (KAFKA-20734: a restart with leaderless"
                            + " partitions); wrote the {} markers it skipped",
                    first.producerId(),
                    first.producerEpoch(),
                    partitions.size(),
                    partitions,
                    outcome.get().result(),
                    outcome.get().result());
        } else {
            log.warn(
                    "Aborted a hanging transaction of producer id {} (epoch {}) on {} partitions {}: {}",
                    first.producerId(),
                    first.producerEpoch(),
                    partitions.size(),
                    partitions,
                    suspicion == Suspicion.COORDINATOR_MOVED_ON
                            ? "its coordinator moved on and its decision is not in "
                                    + Topic.TRANSACTION_STATE_TOPIC_NAME + " any more"
                            : "no coordinator has known its producer for " + UNKNOWN_CONFIRM_AFTER.toMinutes()
                                    + " minutes");
        }
    }

    /** What the coordinator decided, with the marker it would have written. */
    record Outcome(TransactionResult result, short markerEpoch, short transactionVersion) {}

    /**
     * The coordinator's decision on this open transaction, from its log partition of the
     * transactional id: the last {@code PrepareCommit} or {@code PrepareAbort} of this producer id
     * naming the partition, with the open epoch (transactions v1) or the next one (v2 bumps the
     * epoch when it ends a transaction, so there the match is exact).
     */
    private Optional<Outcome> outcome(OpenTransaction txn)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<TransactionListing> listings = new ArrayList<>(
                admin.listTransactions(new ListTransactionsOptions().filterProducerIds(Set.of(txn.producerId())))
                        .all()
                        .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        if (listings.isEmpty()) {
            return Optional.empty();
        }
        String transactionalId = listings.get(0).transactionalId();
        int partitions = admin.describeTopics(Set.of(Topic.TRANSACTION_STATE_TOPIC_NAME))
                .allTopicNames()
                .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .get(Topic.TRANSACTION_STATE_TOPIC_NAME)
                .partitions()
                .size();
        TopicPartition logPartition = new TopicPartition(
                Topic.TRANSACTION_STATE_TOPIC_NAME, Utils.abs(transactionalId.hashCode()) % partitions);
        Properties props = (Properties) clientProperties.clone();
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "flowpulse-embedded-broker-transaction-guard");
        TransactionMetadata last = null;
        try (KafkaConsumer<ByteBuffer, ByteBuffer> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(List.of(logPartition));
            consumer.seekToBeginning(List.of(logPartition));
            long end = consumer.endOffsets(List.of(logPartition), CALL_TIMEOUT).get(logPartition);
            long deadline = System.nanoTime() + CALL_TIMEOUT.toNanos();
            while (consumer.position(logPartition, CALL_TIMEOUT) < end) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("Reading " + logPartition + " took over " + CALL_TIMEOUT);
                }
                for (ConsumerRecord<ByteBuffer, ByteBuffer> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() != null
                            && r.value() != null
                            && TransactionLog.read(r.key(), r.value()) instanceof TransactionLog.TxnRecord record
                            && record.transactionId().equals(transactionalId)
                            && prepared(record.metadata(), txn).isPresent()) {
                        last = record.metadata();
                    }
                }
            }
        }
        return last == null ? Optional.empty() : prepared(last, txn);
    }

    /** The decision this coordinator record makes on the open transaction, if it is one. */
    static Optional<Outcome> prepared(TransactionMetadata m, OpenTransaction txn) {
        if (m.producerId() != txn.producerId() || !m.topicPartitions().contains(txn.partition())) {
            return Optional.empty();
        }
        short version = m.clientTransactionVersion().featureLevel();
        int decidingEpoch = version >= 2 ? txn.producerEpoch() + 1 : txn.producerEpoch();
        if (m.producerEpoch() != decidingEpoch) {
            return Optional.empty();
        }
        if (m.state() == org.apache.kafka.coordinator.transaction.TransactionState.PREPARE_COMMIT) {
            return Optional.of(new Outcome(TransactionResult.COMMIT, m.producerEpoch(), version));
        }
        if (m.state() == org.apache.kafka.coordinator.transaction.TransactionState.PREPARE_ABORT) {
            return Optional.of(new Outcome(TransactionResult.ABORT, m.producerEpoch(), version));
        }
        return Optional.empty();
    }
}
