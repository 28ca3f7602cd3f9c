package dev.flowpulse.runtime;

import java.util.Objects;

/**
 * One part of a flowpulse process that is started once and closed once: a service, its HTTP
 * endpoint, a start-up step such as topic creation.
 *
 * <p>Lifecycle: {@link #start} returns once the part is running (its work may continue on its own
 * threads); from then on it reports an error it cannot recover from to the {@link
 * FatalErrorListener} instead of exiting or only logging. {@link #close} stops it; it is called
 * once, also after a failed {@link #start}, and must not wait unboundedly. Implementations say
 * whether they are thread safe; the {@link ServiceRunner} calls both methods from one thread.
 */
public interface Service {

    /** A short name for logs and error messages: {@code ingest}, {@code topics}, {@code http}. */
    String name();

    void start(FatalErrorListener fatal) throws Exception;

    void close() throws Exception;

    /** A step of a start or close. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    /** A service that runs {@code start} and {@code close} and never reports a fatal error itself. */
    static Service of(String name, Action start, Action close) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(close, "close");
        return new Service() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void start(FatalErrorListener fatal) throws Exception {
                start.run();
            }

            @Override
            public void close() throws Exception {
                close.run();
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
