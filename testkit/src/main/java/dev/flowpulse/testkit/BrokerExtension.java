package dev.flowpulse.testkit;

import dev.flowpulse.broker.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One in-process KRaft broker per test class: started before the class's first test (its data in
 * {@code target/kafka-<name>-<uuid>}), closed after its last. Register it on a static field:
 *
 * <pre>{@code @RegisterExtension static final BrokerExtension KAFKA = new BrokerExtension("gap-it");}</pre>
 *
 * Tests share the broker, so each test still uses topic names of its own.
 *
 * <p>Not thread safe; JUnit calls it from the class's lifecycle.
 */
public final class BrokerExtension implements BeforeAllCallback, AfterAllCallback {

    private final String name;
    private EmbeddedKafkaBroker broker;

    public BrokerExtension(String name) {
        this.name = name;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = EmbeddedKafkaBroker.start(Path.of("target", "kafka-" + name + "-" + UUID.randomUUID()));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /** The running broker. */
    public EmbeddedKafkaBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("the broker runs from the class's first test to its last");
        }
        return broker;
    }
}
