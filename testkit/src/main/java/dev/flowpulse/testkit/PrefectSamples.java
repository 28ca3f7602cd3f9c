package dev.flowpulse.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The Prefect 3.x wire samples shipped in {@code prefect-samples/} (copied from the shared Prefect
 * API reference). Every Prefect payload in tests and in the simulator is derived from these.
 *
 * <p>Stateless and thread safe.
 */
public final class PrefectSamples {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PrefectSamples() {}

    /** Raw bytes of a sample, e.g. {@code bytes("events/flow-run-Running.json")}. */
    public static byte[] bytes(String path) {
        try (InputStream in = PrefectSamples.class.getResourceAsStream("/prefect-samples/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("No Prefect sample " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A sample parsed as a tree: a fresh copy every call, safe to modify. */
    public static JsonNode json(String path) {
        try {
            return MAPPER.readTree(bytes(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One state-change event sample by state name: {@code event("Running")} reads {@code events/flow-run-Running.json}. */
    public static JsonNode event(String stateName) {
        return json("events/flow-run-" + stateName + ".json");
    }
}
