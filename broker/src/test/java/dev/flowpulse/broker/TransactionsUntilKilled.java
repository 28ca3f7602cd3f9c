package dev.flowpulse.broker;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The process {@link HangingTransactionRepairIT} kills: the embedded broker (started or reopened
 * in {@code args[0]}) and a transactional producer in one JVM, like the one-command run. It writes
 * transaction after transaction, each one record to every partition of {@link #TOPIC}, value
 * {@code <round>-<n>}, and prints {@code COMMITTED <round>-<n>} once a commit returned. The same
 * transactional id in every round, as Kafka Streams keeps its process id.
 */
public final class TransactionsUntilKilled {

    static final String TOPIC = "hanging-it";
    static final int PARTITIONS = 40;
    static final String TRANSACTIONAL_ID = "hanging-it-producer";

    private TransactionsUntilKilled() {}

    public static void main(String[] args) throws Exception {
        String round = args[1];
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOrReopen(Path.of(args[0]));
        try (Admin admin = Admin.create(broker.clientProperties())) {
            if (!admin.listTopics().names().get().contains(TOPIC)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1)))
                        .all()
                        .get();
            }
        }
        Properties p = broker.clientProperties();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "10000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            System.out.println("READY " + broker.bootstrapServers());
            for (long n = 0; ; n++) {
                producer.beginTransaction();
                for (int partition = 0; partition < PARTITIONS; partition++) {
                    producer.send(new ProducerRecord<>(TOPIC, partition, null, round + "-" + n));
                }
                producer.commitTransaction();
                System.out.println("COMMITTED " + round + "-" + n);
            }
        }
    }
}
