package dev.flowpulse.streams.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HotValues} in front of a real (in-memory) Kafka Streams store. A write straight into the
 * store, behind the cache's back, shows what the cache answers without reading the store.
 */
class HotValuesTest {

    private KeyValueStore<String, String> store;
    private HotValues<String, String> hot;

    @BeforeEach
    void openStore() {
        store = TestStores.inMemory("hot-values-test");
        hot = new HotValues<>(store, 2);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void aKeyFoundAbsentIsNotReadAgain() {
        assertThat(hot.get("run-1")).isNull();
        store.put("run-1", "behind its back");

        assertThat(hot.get("run-1"))
                .as("known absent: the store is not read again")
                .isNull();
    }

    @Test
    void putAndDeleteGoThroughAndReplaceTheAbsence() {
        assertThat(hot.get("run-1")).isNull();
        hot.put("run-1", "running");
        assertThat(hot.get("run-1")).isEqualTo("running");
        assertThat(store.get("run-1")).isEqualTo("running");

        hot.delete("run-1");
        assertThat(store.get("run-1")).isNull();
        store.put("run-1", "behind its back");
        assertThat(hot.get("run-1")).as("deleted: known absent").isNull();

        hot.put("run-1", null);
        assertThat(store.get("run-1")).isNull();
        assertThat(hot.get("run-1")).isNull();
    }

    @Test
    void aDeleteIsAPutOfNullThatReadsNothing() {
        store.put("run-1", "running");
        List<String> calls = new ArrayList<>();
        HotValues<String, String> recorded = new HotValues<>(TestStores.recording(store, calls), 2);

        recorded.delete("run-1");

        assertThat(store.get("run-1")).isNull();
        assertThat(calls)
                .as("put(key, null) deletes; delete would read the old value back to return it")
                .containsExactly("put");
        assertThat(recorded.get("run-1")).isNull();
        assertThat(calls).as("known absent afterwards: no read").containsExactly("put");
    }

    @Test
    void valuesAreServedFromMemoryOnceRead() {
        store.put("run-1", "pending");
        assertThat(hot.get("run-1")).isEqualTo("pending");
        store.put("run-1", "behind its back");

        assertThat(hot.get("run-1")).isEqualTo("pending");
    }

    @Test
    void clearForgetsValuesAndAbsences() {
        assertThat(hot.get("run-1")).isNull();
        store.put("run-1", "restored");
        store.put("run-2", "a");
        assertThat(hot.get("run-2")).isEqualTo("a");
        store.put("run-2", "b");

        hot.clear();

        assertThat(hot.get("run-1")).isEqualTo("restored");
        assertThat(hot.get("run-2")).isEqualTo("b");
    }

    @Test
    void absencesAreBoundedToFourTimesTheCapacity() {
        for (int i = 0; i < 8; i++) {
            assertThat(hot.get("missing-" + i)).isNull();
        }
        assertThat(hot.get("missing-8")).isNull(); // evicts missing-0, the eldest
        store.put("missing-0", "now there");
        store.put("missing-8", "now there");

        assertThat(hot.get("missing-0")).as("forgotten, so read again").isEqualTo("now there");
        assertThat(hot.get("missing-8")).as("still known absent").isNull();
    }
}
