package dev.flowpulse.ingest.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.contract.Json;
import dev.flowpulse.ingest.Counters;
import dev.flowpulse.ingest.Daemons;
import dev.flowpulse.ingest.rest.PrefectApiException;
import dev.flowpulse.ingest.rest.PrefectRestClient;
import dev.flowpulse.ingest.resume.ResumePointStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls {@code POST /flow_runs/history} every interval over the last range in fixed buckets and
 * publishes the cells that changed to the compacted history topic: an upsert per new or changed
 * {@code (interval_start, state_type, state_name)}, a tombstone per cell that vanished (its runs
 * moved on to another state, or the bucket left the range). {@code history_start} is aligned to
 * the bucket size, so bucket boundaries stay put from one poll to the next.
 *
 * <p>One request per poll (the history endpoint returns every bucket at once). What was written
 * is remembered in memory; a cell whose send failed is retried at the next poll.
 *
 * <p>Meters: {@code flowpulse_ingest_history_polls_total{outcome}}, {@code
 * flowpulse_ingest_history_poll_duration_seconds}, {@code
 * flowpulse_ingest_history_records_total{kind=upsert|tombstone}}. Lifecycle: {@link #start()},
 * {@link #close()}; one {@code ingest-history-<workspace>} thread.
 */
public final class HistoryPoller implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HistoryPoller.class);
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final PrefectRestClient client;
    private final Producer<String, byte[]> producer;
    private final HistorySettings settings;
    private final String workspace;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Timer duration;
    private final ScheduledExecutorService executor;
    private final Map<HistoryBucket.Key, HistoryBucket> published = new HashMap<>();
    private final Properties kafka;

    /**
     * @param kafka the {@code KAFKA_*} properties to read back what a previous process wrote
     *              (so cells that vanished meanwhile are tombstoned); null: start from nothing
     */
    public HistoryPoller(
            PrefectRestClient client,
            Properties kafka,
            Producer<String, byte[]> producer,
            HistorySettings settings,
            String workspace,
            Clock clock,
            MeterRegistry registry) {
        this.client = client;
        this.kafka = kafka;
        this.producer = producer;
        this.settings = settings;
        this.workspace = workspace;
        this.clock = clock;
        this.registry = registry;
        this.duration = Timer.builder("flowpulse.ingest.history.poll.duration")
                .description("Duration of one /flow_runs/history poll, retries and publishing included")
                .register(registry);
        polls("success");
        polls("failure");
        records("upsert");
        records("tombstone");
        this.executor = Daemons.scheduler("ingest-history-" + workspace);
    }

    public void start() {
        executor.execute(this::loadPublished);
        executor.scheduleWithFixedDelay(
                this::pollGuarded, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads this workspace's cells back from the topic (the table a previous process left). */
    void loadPublished() {
        if (kafka == null) {
            return;
        }
        Duration timeout = Duration.ofSeconds(30);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(ResumePointStore.consumerProperties(kafka))) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(settings.topic(), timeout)
                    .forEach(p -> partitions.add(new TopicPartition(settings.topic(), p.partition())));
            if (partitions.isEmpty()) {
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    HistoryBucket.Key.fromJson(r.key())
                            .filter(key -> key.workspace().equals(workspace))
                            .ifPresent(key -> {
                                if (r.value() == null) {
                                    published.remove(key);
                                } else {
                                    HistoryBucket.fromJson(key, r.value()).ifPresent(c -> published.put(key, c));
                                }
                            });
                }
            }
            log.info("History: {} cells of {} read back from {}", published.size(), workspace, settings.topic());
        } catch (RuntimeException e) {
            log.warn(
                    "History: could not read {} back ({}); cells that vanished meanwhile keep their last value",
                    settings.topic(),
                    e.toString());
        }
    }

    private void pollGuarded() {
        long started = System.nanoTime();
        try {
            boolean ok = poll();
            polls(ok ? "success" : "failure").increment();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            polls("failure").increment();
            log.error("History poll failed unexpectedly", e);
        } finally {
            duration.record(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /** One poll: request, diff, publish. True when every change reached Kafka. */
    boolean poll() throws InterruptedException {
        Instant now = clock.instant();
        JsonNode answer;
        try {
            answer = client.post(PrefectRestClient.FLOW_RUNS_HISTORY, "/flow_runs/history", request(now));
        } catch (PrefectApiException e) {
            log.warn("History poll failed: {}", e.getMessage());
            return false;
        }
        Optional<Map<HistoryBucket.Key, HistoryBucket>> cells = HistoryResponse.parse(answer, workspace);
        if (cells.isEmpty()) {
            log.warn("History poll: Prefect's answer is not a list of buckets; nothing published");
            return false;
        }
        HistoryResponse.Changes changes = HistoryResponse.diff(published, cells.get());
        List<Runnable> onSuccess = new ArrayList<>();
        List<Future<?>> sends = new ArrayList<>();
        for (HistoryBucket cell : changes.upserts()) {
            sends.add(send(cell.key(), cell.toJson(now).getBytes(StandardCharsets.UTF_8)));
            onSuccess.add(() -> published.put(cell.key(), cell));
        }
        for (HistoryBucket.Key key : changes.tombstones()) {
            sends.add(send(key, null));
            onSuccess.add(() -> published.remove(key));
        }
        boolean ok = true;
        for (int i = 0; i < sends.size(); i++) {
            try {
                sends.get(i).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                onSuccess.get(i).run();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                ok = false;
            }
        }
        records("upsert").increment(changes.upserts().size());
        records("tombstone").increment(changes.tombstones().size());
        if (!ok) {
            log.warn(
                    "History poll: some of {} changed cells did not reach Kafka; retrying at the next poll",
                    sends.size());
        } else if (!sends.isEmpty()) {
            log.debug(
                    "History poll: {} upserts, {} tombstones",
                    changes.upserts().size(),
                    changes.tombstones().size());
        }
        return ok;
    }

    /** The request: aligned {@code history_start}, {@code history_end} = now, {@code history_interval_seconds}. */
    ObjectNode request(Instant now) {
        ObjectNode body = Json.prefect().createObjectNode();
        body.put(
                "history_start",
                alignedStart(now, settings.range(), settings.bucket()).toString());
        body.put(
                "history_end",
                now.truncatedTo(java.time.temporal.ChronoUnit.MICROS).toString());
        body.put("history_interval_seconds", (double) settings.bucket().toMillis() / 1000.0);
        return body;
    }

    /** {@code now − range}, rounded down to a multiple of the bucket since the epoch. */
    static Instant alignedStart(Instant now, Duration range, Duration bucket) {
        long bucketMillis = bucket.toMillis();
        long start = now.minus(range).toEpochMilli();
        return Instant.ofEpochMilli(Math.floorDiv(start, bucketMillis) * bucketMillis);
    }

    private Future<?> send(HistoryBucket.Key key, byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(settings.topic(), key.toJson(), value));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Counter polls(String outcome) {
        return Counters.of(
                registry, "flowpulse.ingest.history.polls", "/flow_runs/history polls by outcome", "outcome", outcome);
    }

    private Counter records(String kind) {
        return Counters.of(
                registry,
                "flowpulse.ingest.history.records",
                "Records written to the flow-run history topic: upserts of changed cells, tombstones of vanished ones",
                "kind",
                kind);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
