package dev.flowpulse.ingest;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/** Ingest's background threads: daemons (a stuck one never keeps the JVM alive), named for thread dumps. */
public final class Daemons {

    private Daemons() {}

    /** Threads named {@code name}, daemon. */
    public static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** A single-thread scheduler on one daemon thread named {@code name}. */
    public static ScheduledExecutorService scheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(named(name));
    }
}
