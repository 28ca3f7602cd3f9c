package dev.flowpulse.runtime;

import java.util.Objects;

/**
 * A service whose work runs on its own threads and must never end by itself (a Kafka Streams
 * client, a consumer loop). After {@link #start}, a daemon thread waits for that work to end; an
 * end that {@link #close} did not cause is reported to the {@link FatalErrorListener}.
 *
 * <p>Thread safe: {@link #close} may race with the end of the work; then nothing is reported.
 */
public final class WatchedService implements Service {

    /** Blocks until the work has ended, then says why. */
    @FunctionalInterface
    public interface EndWatch {
        Throwable awaitEnd() throws InterruptedException;
    }

    private final String name;
    private final Action start;
    private final EndWatch endWatch;
    private final Action close;
    private volatile boolean closing;
    private volatile Thread watcher;

    public WatchedService(String name, Action start, EndWatch endWatch, Action close) {
        this.name = Objects.requireNonNull(name, "name");
        this.start = Objects.requireNonNull(start, "start");
        this.endWatch = Objects.requireNonNull(endWatch, "endWatch");
        this.close = Objects.requireNonNull(close, "close");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start(FatalErrorListener fatal) throws Exception {
        start.run();
        Thread t = new Thread(() -> watch(fatal), name + "-watch");
        t.setDaemon(true);
        watcher = t;
        t.start();
    }

    private void watch(FatalErrorListener fatal) {
        try {
            Throwable why = endWatch.awaitEnd();
            if (!closing) {
                fatal.onFatalError(name, why == null ? new IllegalStateException(name + " stopped") : why);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws Exception {
        closing = true;
        try {
            close.run();
        } finally {
            Thread t = watcher;
            if (t != null) {
                t.interrupt();
            }
        }
    }
}
