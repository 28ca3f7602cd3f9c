package dev.flowpulse.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The direct window writers ({@link WindowJson}) against Jackson's bean serialization under the
 * same settings: byte for byte, on drawn keys and values (compacted topics key on these bytes, and
 * the golden records and schemas describe the bean output), also pretty-printed.
 */
class WindowJsonTest {

    private static final ObjectMapper FAST = Json.mapper();
    private static final ObjectMapper BEAN = Json.reflective();
    private static final List<String> TYPES = List.of("COMPLETED", "FAILED", "CRASHED", "RUNNING", "PENDING");
    private static final List<String> NAMES =
            List.of("Completed", "Failed", "Late", "AwaitingRetry", "Running", "é \"x\"");

    @Test
    void shouldWriteTheSameBytesAsBeanSerialization() throws Exception {
        Random rnd = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            WindowKey key = drawKey(rnd);
            WindowStats stats = drawStats(rnd);
            assertThat(FAST.writeValueAsString(key)).isEqualTo(BEAN.writeValueAsString(key));
            assertThat(FAST.writeValueAsBytes(stats)).isEqualTo(BEAN.writeValueAsBytes(stats));
            assertThat(JsonSerde.of(WindowKey.class).serialize("t", key)).isEqualTo(BEAN.writeValueAsBytes(key));
            assertThat(JsonSerde.of(WindowStats.class).serialize("t", stats)).isEqualTo(BEAN.writeValueAsBytes(stats));
        }
        WindowKey key = drawKey(rnd);
        WindowStats stats = drawStats(rnd);
        assertThat(FAST.writerWithDefaultPrettyPrinter().writeValueAsString(key))
                .isEqualTo(BEAN.writerWithDefaultPrettyPrinter().writeValueAsString(key));
        assertThat(FAST.writerWithDefaultPrettyPrinter().writeValueAsString(stats))
                .isEqualTo(BEAN.writerWithDefaultPrettyPrinter().writeValueAsString(stats));
    }

    @Test
    void shouldWriteTheEmptyWindowAndTheNullsAsBeanSerializationDoes() throws Exception {
        WindowStats empty = WindowStats.empty();
        assertThat(FAST.writeValueAsString(empty)).isEqualTo(BEAN.writeValueAsString(empty));
        assertThat(FAST.writeValueAsString(empty)).contains("\"failure_ratio\":null", "\"min_duration_seconds\":null");
        WindowKey bare = new WindowKey(null, "flow", null, null, null, 60, 60);
        assertThat(FAST.writeValueAsString(bare)).isEqualTo(BEAN.writeValueAsString(bare));
    }

    @Test
    void shouldReadBackWhatItWrites() throws Exception {
        Random rnd = new Random(11);
        WindowKey key = drawKey(rnd);
        WindowStats stats = drawStats(rnd);
        assertThat(FAST.readValue(FAST.writeValueAsBytes(key), WindowKey.class)).isEqualTo(key);
        assertThat(FAST.readValue(FAST.writeValueAsBytes(stats), WindowStats.class))
                .isEqualTo(stats);
    }

    private static WindowKey drawKey(Random rnd) {
        String dimension = List.of(WindowKey.FLOW, WindowKey.DEPLOYMENT, WindowKey.WORK_POOL, WindowKey.TAG)
                .get(rnd.nextInt(4));
        Map<String, String> group = new HashMap<>();
        int fields = rnd.nextInt(4);
        for (String field : List.of("work_pool", "flow", "deployment").subList(0, fields)) {
            group.put(field, rnd.nextBoolean() ? "" : "etl-" + rnd.nextInt(1000) + (rnd.nextBoolean() ? "/ü\\\"" : ""));
        }
        long size = List.of(60L, 300L, 900L, 3600L).get(rnd.nextInt(4));
        long advance = rnd.nextBoolean() ? size : 60L;
        // Mostly aligned minutes; sometimes sub-second instants (ISO text with a fraction).
        Instant start = Instant.ofEpochSecond(1_777_000_000L + 60L * rnd.nextInt(100_000))
                .plusNanos(rnd.nextInt(5) == 0 ? rnd.nextInt(1_000_000_000) : 0);
        return new WindowKey(
                rnd.nextInt(10) == 0 ? "" : "ws-" + rnd.nextInt(3),
                dimension,
                group,
                start,
                start.plusSeconds(size),
                size,
                advance);
    }

    private static WindowStats drawStats(Random rnd) {
        WindowStats stats = WindowStats.empty();
        int entries = rnd.nextInt(12);
        for (int i = 0; i < entries; i++) {
            StateType type = StateType.valueOf(TYPES.get(rnd.nextInt(TYPES.size())));
            stats = stats.plusState(type, NAMES.get(rnd.nextInt(NAMES.size())), rnd.nextInt(5) == 0);
            if (type.isTerminal()) {
                stats = stats.plusFinish(
                        type, rnd.nextInt(4) == 0 ? null : rnd.nextDouble() * Math.pow(10, rnd.nextInt(6)));
            }
        }
        return rnd.nextBoolean() ? stats.asClosed() : stats;
    }
}
