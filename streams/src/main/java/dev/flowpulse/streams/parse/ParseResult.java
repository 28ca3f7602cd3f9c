package dev.flowpulse.streams.parse;

import dev.flowpulse.contract.FlowRunEvent;

/**
 * A raw record after parsing: either a flow-run state change to count, or a dead letter carrying
 * the original bytes (its reason travels in the record headers). Ignored events produce nothing.
 *
 * <p>Only travels in memory from the parse step to the routing split; never serialized.
 *
 * @param event    the state change, or null for a dead letter
 * @param original the raw value of a dead letter (may itself be null for an empty record)
 */
public record ParseResult(FlowRunEvent event, byte[] original) {

    public static ParseResult stateChange(FlowRunEvent event) {
        return new ParseResult(event, null);
    }

    public static ParseResult deadLetter(byte[] original) {
        return new ParseResult(null, original);
    }

    public boolean isDeadLetter() {
        return event == null;
    }
}
