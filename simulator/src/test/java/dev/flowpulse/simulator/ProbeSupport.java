package dev.flowpulse.simulator;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.testkit.PrefectSamples;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.awaitility.core.ConditionFactory;

/** Shared fixtures for the websocket tests: samples, filters, and Awaitility-based reads. */
final class ProbeSupport {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(15);

    static final String ALL_FLOW_RUN_EVENTS =
            "{\"type\":\"filter\",\"filter\":{\"occurred\":{\"since\":\"2026-05-04T00:00:00Z\","
                    + "\"until\":\"2027-05-04T00:00:00Z\"},\"event\":{\"prefix\":[\"prefect.flow-run.\"]}}}";
    static final String ALL_FLOW_RUN_EVENTS_NO_BACKFILL =
            ALL_FLOW_RUN_EVENTS.replaceFirst("}$", ",\"backfill\":false}");

    private ProbeSupport() {}

    static ConditionFactory waiting() {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(20));
    }

    /** The next text message, waiting up to {@link #WAIT}. */
    static String next(WebSocketProbe probe) {
        return waiting().until(probe.messages::poll, Objects::nonNull);
    }

    static WebSocketProbe.End ended(WebSocketProbe probe) {
        waiting().until(probe.ended::isDone);
        return probe.ended.join();
    }

    /** Asserts that nothing arrives for {@code quiet}. */
    static void nothingArrivesFor(WebSocketProbe probe, Duration quiet) {
        await().during(quiet)
                .atMost(quiet.plus(WAIT))
                .pollInterval(Duration.ofMillis(20))
                .until(probe.messages::isEmpty);
    }

    static List<JsonNode> crimsonFox() {
        List<JsonNode> events = new ArrayList<>();
        PrefectSamples.json("events/flow-run-lifecycle-crimson-fox.json").forEach(events::add);
        return events;
    }

    static ObjectNode obj(JsonNode node) {
        return (ObjectNode) node.deepCopy();
    }

    /** A Running event with a fresh id {@code i} and a 64 KiB payload, to fill socket buffers fast. */
    static ObjectNode bigEvent(JsonNode template, int i) {
        ObjectNode e = obj(template);
        e.put("id", new UUID(0x019df23bf8f27751L, 0x8000000000000000L | i).toString());
        ((ObjectNode) e.get("payload")).put("padding", "x".repeat(64 * 1024));
        return e;
    }

    static String eventName(String message) {
        try {
            JsonNode node = MAPPER.readTree(message);
            if (!"event".equals(node.path("type").asText())) {
                throw new AssertionError("not an event message: " + message);
            }
            return node.get("event").get("event").textValue();
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + message, e);
        }
    }

    static String eventId(String message) {
        try {
            return MAPPER.readTree(message).get("event").get("id").textValue();
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + message, e);
        }
    }
}
