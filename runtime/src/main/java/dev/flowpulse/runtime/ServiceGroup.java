package dev.flowpulse.runtime;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Services started in order and closed in reverse order, as one {@link Service}.
 *
 * <p>Lifecycle: {@link #start} starts the members one by one; if one fails, the ones already
 * started are closed (reverse order) and {@link StartFailedException} names the failed one.
 * {@link #close} closes every started member in reverse order, even when some closes fail (those
 * are logged). Not thread safe: start and close from one thread.
 */
public final class ServiceGroup implements Service {

    private static final Logger log = LoggerFactory.getLogger(ServiceGroup.class);

    private final String name;
    private final List<Service> members;
    private final Deque<Service> started = new ArrayDeque<>();

    public ServiceGroup(String name, List<Service> members) {
        this.name = name;
        this.members = List.copyOf(members);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start(FatalErrorListener fatal) throws StartFailedException {
        startUnless(fatal, () -> false);
    }

    /** As {@link #start}, but starts no further member once {@code stop} is true; returns whether all started. */
    public boolean startUnless(FatalErrorListener fatal, BooleanSupplier stop) throws StartFailedException {
        for (Service member : members) {
            if (stop.getAsBoolean()) {
                return false;
            }
            try {
                member.start(fatal);
                started.push(member);
            } catch (Exception e) {
                started.push(member); // a half-started member may hold resources
                close();
                throw new StartFailedException(member.name(), e);
            }
        }
        return true;
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            Service member = started.pop();
            try {
                member.close();
            } catch (Exception e) {
                log.warn("Closing {} failed: {}", member.name(), e.toString());
            }
        }
    }

    /** A member's {@link Service#start} threw. */
    public static final class StartFailedException extends Exception {

        private final String service;

        StartFailedException(String service, Throwable cause) {
            super(service + " failed to start: " + describe(cause), cause);
            this.service = service;
        }

        public String service() {
            return service;
        }
    }

    /** The message of an error and of its root cause, for one log line. */
    static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        if (root != error && root.getMessage() != null && !text.contains(root.getMessage())) {
            text += " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        return text;
    }
}
