package dev.flowpulse.streams.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WriteBehindStore} in a real topology (TopologyTestDriver commits after every input record,
 * through the same {@code StreamTask.prepareCommit} path as a stream thread): what the processor
 * wrote reaches the changelog at the commit, once per key, and reads during processing see it.
 */
class WriteBehindStoreTest {

    private static final String STORE = "write-behind-test";
    private static final String CHANGELOG = "write-behind-test-app-" + STORE + "-changelog";

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, String> input;
    private TestOutputTopic<String, String> seen;

    /** Each input value is a script: {@code put k v}, {@code delete k}, {@code get k}, {@code range}; ';' between. */
    private static final class Script implements Processor<String, String, String, String> {
        private ProcessorContext<String, String> context;
        private KeyValueStore<String, String> store;

        @Override
        public void init(ProcessorContext<String, String> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, String> record) {
            for (String step : record.value().split(";")) {
                String[] words = step.trim().split(" ");
                switch (words[0]) {
                    case "put" -> store.put(words[1], words[2]);
                    case "delete" -> store.delete(words[1]);
                    case "get" ->
                        context.forward(record.withKey(words[1]).withValue(String.valueOf(store.get(words[1]))));
                    case "range" -> {
                        List<String> all = new ArrayList<>();
                        try (KeyValueIterator<String, String> it = store.range("a", "z")) {
                            it.forEachRemaining(kv -> all.add(kv.key + "=" + kv.value));
                        }
                        context.forward(record.withKey("range").withValue(String.join(",", all)));
                    }
                    default -> throw new IllegalArgumentException(step);
                }
            }
        }
    }

    @BeforeEach
    void start() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(WriteBehindStore.builder(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.String())
                        .withCachingEnabled()));
        builder.stream("scripts", Consumed.with(Serdes.String(), Serdes.String()))
                .process(Script::new, STORE)
                .to("seen", Produced.with(Serdes.String(), Serdes.String()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "write-behind-test-app");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(builder.build(), props);
        input = driver.createInputTopic("scripts", new StringSerializer(), new StringSerializer());
        seen = driver.createOutputTopic("seen", new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private List<KeyValue<String, String>> changelog() {
        return driver.createOutputTopic(CHANGELOG, new StringDeserializer(), new StringDeserializer())
                .readKeyValuesToList();
    }

    @Test
    void writesEachKeyToTheChangelogOncePerCommitWithItsLastValue() {
        input.pipeInput("x", "put hour 1; put hour 2; put hour 3; put minute 7");

        assertThat(changelog()).containsExactly(KeyValue.pair("hour", "3"), KeyValue.pair("minute", "7"));
        KeyValueStore<String, String> store = driver.getKeyValueStore(STORE);
        assertThat(store.get("hour")).isEqualTo("3");
    }

    @Test
    void aDeleteReachesTheChangelogAsATombstone() {
        input.pipeInput("x", "put run-1 running");
        input.pipeInput("x", "put run-1 completed; delete run-1");

        assertThat(changelog()).containsExactly(KeyValue.pair("run-1", "running"), KeyValue.pair("run-1", null));
        assertThat(driver.<String, String>getKeyValueStore(STORE).get("run-1")).isNull();
    }

    @Test
    void readsBeforeTheCommitSeeWhatWasWritten() {
        input.pipeInput("x", "put b 1");
        input.pipeInput("x", "put b 2; put c 3; delete a; get b; get a; range; put a 4; get a");

        assertThat(seen.readKeyValuesToList())
                .containsExactly(
                        KeyValue.pair("b", "2"),
                        KeyValue.pair("a", "null"),
                        KeyValue.pair("range", "b=2,c=3"),
                        KeyValue.pair("a", "4"));
        assertThat(changelog()).contains(KeyValue.pair("a", "4"), KeyValue.pair("b", "2"), KeyValue.pair("c", "3"));
    }

    @Test
    void aPendingDeleteReachesTheWrappedStoreAsAPutOfNullWithoutARead() {
        KeyValueStore<String, String> inner = TestStores.inMemory("write-behind-unit");
        try {
            inner.put("run-1", "running");
            List<String> calls = new ArrayList<>();
            WriteBehindStore<String, String> store = new WriteBehindStore<>(TestStores.recording(inner, calls));

            store.put("run-1", null);
            assertThat(calls)
                    .as("nothing reaches the wrapped store before the commit")
                    .isEmpty();
            store.flushCache();

            assertThat(calls).containsExactly("put");
            assertThat(inner.get("run-1")).isNull();
        } finally {
            inner.close();
        }
    }
}
