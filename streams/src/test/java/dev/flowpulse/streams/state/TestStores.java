package dev.flowpulse.streams.state;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** Real Kafka Streams stores for the state wrappers' unit tests, outside a topology. */
final class TestStores {

    private TestStores() {}

    /** An initialized in-memory string store without a changelog; close it when done. */
    static KeyValueStore<String, String> inMemory(String name) {
        KeyValueStore<String, String> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.String())
                .withLoggingDisabled()
                .build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }

    /** {@code store}, recording the name of every method called on it. */
    @SuppressWarnings("unchecked")
    static KeyValueStore<String, String> recording(KeyValueStore<String, String> store, List<String> calls) {
        return (KeyValueStore<String, String>) Proxy.newProxyInstance(
                KeyValueStore.class.getClassLoader(), new Class<?>[] {KeyValueStore.class}, (proxy, method, args) -> {
                    calls.add(method.getName());
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
