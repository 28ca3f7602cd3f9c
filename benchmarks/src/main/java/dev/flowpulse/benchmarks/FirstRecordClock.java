package dev.flowpulse.benchmarks;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer interceptor (set as {@code consumer.interceptor.classes} on the measured Streams
 * app, bare or flowpulse alike) that notes the wall-clock time a consumer of this JVM first
 * returned a record of {@link #watch watched topic}: the start of a measured run. Thread safe.
 */
public final class FirstRecordClock implements ConsumerInterceptor<Object, Object> {

    private static final AtomicLong FIRST_READ_MILLIS = new AtomicLong();
    private static volatile String topic = "";

    /** Which topic's first record starts the clock; call before the app starts. */
    static void watch(String rawTopic) {
        topic = rawTopic;
        FIRST_READ_MILLIS.set(0);
    }

    /** Epoch millis of the first record read, 0 before. */
    static long firstReadMillis() {
        return FIRST_READ_MILLIS.get();
    }

    @Override
    public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
        if (FIRST_READ_MILLIS.get() == 0 && !records.isEmpty()) {
            for (TopicPartition partition : records.partitions()) {
                if (partition.topic().equals(topic)) {
                    FIRST_READ_MILLIS.compareAndSet(0, System.currentTimeMillis());
                    break;
                }
            }
        }
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

    @Override
    public void close() {}

    @Override
    public void configure(Map<String, ?> configs) {}
}
