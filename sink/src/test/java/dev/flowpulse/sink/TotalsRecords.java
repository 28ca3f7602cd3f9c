package dev.flowpulse.sink;

import dev.flowpulse.broker.EmbeddedKafkaBroker;
import dev.flowpulse.contract.FinishedSeries;
import dev.flowpulse.contract.FinishedTotal;
import dev.flowpulse.contract.JsonSerde;
import dev.flowpulse.contract.StateSeries;
import dev.flowpulse.contract.StateTotal;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writes totals-topic records the way the topology does: contract serde, in one committed transaction. */
final class TotalsRecords {

    static final Map<String, String> COMPACTED =
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);

    private TotalsRecords() {}

    static ProducerRecord<byte[], byte[]> state(String topic, StateSeries series, long count) {
        return new ProducerRecord<>(
                topic,
                JsonSerde.of(StateSeries.class).serialize(topic, series),
                JsonSerde.of(StateTotal.class).serialize(topic, new StateTotal(series, count)));
    }

    static ProducerRecord<byte[], byte[]> finished(String topic, FinishedTotal total) {
        return new ProducerRecord<>(
                topic,
                JsonSerde.of(FinishedSeries.class).serialize(topic, total.series()),
                JsonSerde.of(FinishedTotal.class).serialize(topic, total));
    }

    static void produceInTransaction(EmbeddedKafkaBroker broker, List<ProducerRecord<byte[], byte[]>> records) {
        Properties props = broker.clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "sink-it-" + UUID.randomUUID());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            records.forEach(producer::send);
            producer.commitTransaction();
        }
    }
}
