package dev.flowpulse.streams.parse;

import dev.flowpulse.contract.DeadLetters;
import dev.flowpulse.contract.FlowRunEvent;
import dev.flowpulse.contract.FlowRunEventParser;
import dev.flowpulse.contract.HeaderNames;
import dev.flowpulse.contract.ParsedEvent;
import dev.flowpulse.streams.StreamsCounters;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topology's first step: parses each raw Prefect ReceivedEvent. A state change continues with
 * its record timestamp set to the event's {@code occurred} (event time from here on); a valid
 * non-state event (heartbeat) is dropped and counted; anything else, including a record whose key
 * is not the event's flow-run id, continues as a dead letter with the original bytes and the reason
 * in headers.
 *
 * <p>One instance per task, driven by that task's stream thread only.
 */
public final class RawEventProcessor implements FixedKeyProcessor<String, byte[], ParseResult> {

    /** Dead-letter reason for a record not keyed by its flow-run id (it would break per-run ordering). */
    public static final String KEY_MISMATCH = "key-mismatch";

    static final String STAGE = "streams";

    private static final Logger log = LoggerFactory.getLogger(RawEventProcessor.class);

    private final StreamsCounters counters;
    private FixedKeyProcessorContext<String, ParseResult> context;

    public RawEventProcessor(StreamsCounters counters) {
        this.counters = counters;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, ParseResult> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        String workspace = DeadLetters.get(record.headers(), HeaderNames.WORKSPACE);
        ParsedEvent parsed = parse(record.key(), record.value(), workspace);
        if (parsed instanceof ParsedEvent.StateChange change) {
            FlowRunEvent event = change.event();
            context.forward(record.withValue(ParseResult.stateChange(event))
                    .withTimestamp(event.occurred().toEpochMilli()));
        } else if (parsed instanceof ParsedEvent.Ignored) {
            counters.ignored();
        } else if (parsed instanceof ParsedEvent.Rejected rejected) {
            forwardDeadLetter(record, rejected);
        }
    }

    /** Parses and checks the key: a state change keyed by another run is rejected, not trusted. */
    static ParsedEvent parse(String key, byte[] value, String workspace) {
        ParsedEvent parsed = FlowRunEventParser.parse(value, workspace);
        if (parsed instanceof ParsedEvent.StateChange change
                && !change.event().flowRunId().equals(key)) {
            return new ParsedEvent.Rejected(
                    KEY_MISMATCH,
                    "record key '" + key + "' is not the event's flow-run id "
                            + change.event().flowRunId());
        }
        return parsed;
    }

    private void forwardDeadLetter(FixedKeyRecord<String, byte[]> record, ParsedEvent.Rejected rejected) {
        org.apache.kafka.common.header.Headers headers =
                DeadLetters.headers(STAGE, rejected.reason(), rejected.detail());
        String topic = "";
        int partition = -1;
        long offset = -1L;
        if (context.recordMetadata().isPresent()) {
            RecordMetadata source = context.recordMetadata().get();
            topic = source.topic();
            partition = source.partition();
            offset = source.offset();
        }
        DeadLetters.withSource(headers, topic, partition, offset);
        keepIngestHeaders(record.headers(), headers);
        counters.deadLettered(rejected.reason());
        log.warn("Dead-lettered record {}-{}@{}: {}", topic, partition, offset, rejected.reason());
        context.forward(record.withValue(ParseResult.deadLetter(record.value())).withHeaders(headers));
    }

    /** Workspace and source travel along so a dead letter can be replayed as it came. */
    private static void keepIngestHeaders(
            org.apache.kafka.common.header.Headers from, org.apache.kafka.common.header.Headers to) {
        for (String name : new String[] {HeaderNames.WORKSPACE, HeaderNames.SOURCE, HeaderNames.EVENT_ID}) {
            String value = DeadLetters.get(from, name);
            if (value != null) {
                DeadLetters.put(to, name, value);
            }
        }
    }
}
