package dev.flowpulse.streams.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CommitBatcher} on {@link CommitHooks} in a real topology. TopologyTestDriver commits after
 * every input record and after every wall-clock punctuation, through the same {@code
 * StreamTask.prepareCommit} path as a stream thread (flush the stores' caches, then the producer):
 * what the batcher holds is forwarded there, one record per key, and nothing is carried past it.
 * {@code StreamsTakeoverIT} runs the whole topology with the batchers on a real broker through a
 * crash.
 */
class CommitBatcherTest {

    private static final String HOOKS = "commit-hooks";
    private static final Instant T0 = Instant.parse("2026-05-04T12:00:00Z");

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, String> input;
    private TestOutputTopic<String, String> output;

    /**
     * Each input value is a list of keys ({@code a,b,a}): one record per key, its value the
     * position, its timestamp the input's plus the position in seconds. Each punctuation (every
     * minute of wall-clock time) forwards one record of key {@code p}.
     */
    private static final class FanOut implements Processor<String, String, String, String> {
        private ProcessorContext<String, String> context;

        @Override
        public void init(ProcessorContext<String, String> context) {
            this.context = context;
            context.schedule(
                    Duration.ofMinutes(1),
                    PunctuationType.WALL_CLOCK_TIME,
                    now -> context.forward(new Record<>("p", "tick", now)));
        }

        @Override
        public void process(Record<String, String> record) {
            String[] keys = record.value().split(",");
            for (int i = 0; i < keys.length; i++) {
                context.forward(new Record<>(keys[i], Integer.toString(i), record.timestamp() + 1000L * i));
            }
        }
    }

    private void start(int maxPending) {
        Topology topology = new Topology()
                .addSource("in", new StringDeserializer(), new StringDeserializer(), "in")
                .addProcessor("fan-out", FanOut::new, "in")
                .addProcessor(
                        "batch",
                        () -> new CommitBatcher<String, String, String>(
                                HOOKS, v -> v, (batch, v) -> batch + "+" + v, maxPending),
                        "fan-out")
                .addStateStore(CommitHooks.builder(HOOKS), "batch")
                .addSink("out", "out", new StringSerializer(), new StringSerializer(), "batch");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "commit-batcher-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(topology, props, T0);
        input = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
        output = driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void shouldForwardOneBatchPerKeyAtTheCommitInTheOrderOfTheKeysFirstRecords() {
        start(10_000);

        input.pipeInput("x", "a,b,a,c,b", T0);

        List<TestRecord<String, String>> out = output.readRecordsToList();
        assertThat(out).extracting(TestRecord::key).containsExactly("a", "b", "c");
        assertThat(out).extracting(TestRecord::value).containsExactly("0+2", "1+4", "3");
        assertThat(out)
                .extracting(TestRecord::getRecordTime)
                .as("a batch's timestamp is its latest record's")
                .containsExactly(T0.plusSeconds(2), T0.plusSeconds(4), T0.plusSeconds(3));
    }

    @Test
    void shouldCarryNothingPastACommit() {
        start(10_000);

        input.pipeInput("x", "a,a", T0);
        input.pipeInput("x", "a", T0.plusSeconds(10));

        assertThat(output.readValuesToList()).containsExactly("0+1", "0");
    }

    @Test
    void shouldForwardEverythingPendingWhenTheBoundIsReached() {
        start(3);

        input.pipeInput("x", "a,b,a,a,b", T0);

        // Three records pending (a, b, a): both batches go; the rest waits for the commit.
        assertThat(output.readKeyValuesToList())
                .extracting(kv -> kv.key + "=" + kv.value)
                .containsExactly("a=0+2", "b=1", "a=3", "b=4");
    }

    @Test
    void shouldBatchWhatAPunctuationForwardsAtTheCommitAfterIt() {
        start(10_000);
        input.pipeInput("x", "a", T0);
        output.readRecordsToList();

        driver.advanceWallClockTime(Duration.ofMinutes(1));

        assertThat(output.readKeyValuesToList())
                .extracting(kv -> kv.key + "=" + kv.value)
                .containsExactly("p=tick");
    }
}
