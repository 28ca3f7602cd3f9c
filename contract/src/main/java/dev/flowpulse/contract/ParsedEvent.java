package dev.flowpulse.contract;

/**
 * The outcome of parsing one raw record: a flow-run state change, an event flowpulse deliberately
 * ignores (heartbeats, pull steps: valid Prefect events that are not state changes), or a record
 * rejected with a reason that goes to the dead-letter topic.
 */
public sealed interface ParsedEvent {

    record StateChange(FlowRunEvent event) implements ParsedEvent {}

    record Ignored(String eventName) implements ParsedEvent {}

    /**
     * @param reason short machine-readable cause, e.g. {@code malformed-json}, {@code unknown-state-type}
     * @param detail one human-readable line; never contains secrets (it is built from the payload only)
     */
    record Rejected(String reason, String detail) implements ParsedEvent {}
}
