package dev.flowpulse.runtime;

import dev.flowpulse.contract.ConfigException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one start-up path of every flowpulse process (ingest, streams, sink, simulator, the local
 * launcher), after bakdata streams-bootstrap's {@code StreamsRunner}:
 *
 * <ol>
 *   <li>validate: {@code FLOWPULSE_LOG_LEVEL} and everything the {@link ServiceAssembler} reads,
 *       in one pass; on any problem print them all in one message on stderr (no stack trace) and
 *       return {@link #EXIT_CONFIG} before anything starts;
 *   <li>start the services in order (a start failure closes what started and returns {@link
 *       #EXIT_FAILED});
 *   <li>run until a shutdown signal (SIGTERM, Ctrl-C) or a fatal error: a service's report to its
 *       {@link FatalErrorListener}, or an uncaught exception in any thread;
 *   <li>close the services in reverse order; a signal ends with {@link #EXIT_OK}, a fatal error
 *       with {@link #EXIT_FAILED}.
 * </ol>
 *
 * <p>Nothing here exits the JVM: {@link #run} returns the status for {@code main} to pass to
 * {@code System.exit}. Only while a signal-initiated shutdown is under way does the shutdown hook,
 * once the services are closed, end the JVM through {@link JvmShutdown#halt} with that status,
 * because the JVM would otherwise report the signal (143) instead of a clean stop (0).
 *
 * <p>One runner runs once; {@link #run} blocks the calling thread. Thread safe.
 */
public final class ServiceRunner {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_CONFIG = 2;

    /** How long a signal waits for the services to close before the JVM ends anyway. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(60);

    private static final Logger log = LoggerFactory.getLogger(ServiceRunner.class);

    private final String process;
    private final JvmShutdown jvm;
    private final PrintStream err;
    private final AtomicBoolean used = new AtomicBoolean();
    private final CompletableFuture<Integer> stopped = new CompletableFuture<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger exitStatus = new AtomicInteger(EXIT_FAILED);

    /** A runner for the real JVM, reporting configuration problems on {@code System.err}. */
    public ServiceRunner(String process) {
        this(process, JvmShutdown.system(), System.err);
    }

    public ServiceRunner(String process, JvmShutdown jvm, PrintStream err) {
        this.process = Objects.requireNonNull(process, "process");
        this.jvm = Objects.requireNonNull(jvm, "jvm");
        this.err = Objects.requireNonNull(err, "err");
    }

    /** Validates, starts, runs until stopped or failed, closes; returns the exit status. */
    public int run(Map<String, String> env, ServiceAssembler assembler) {
        if (!used.compareAndSet(false, true)) {
            throw new IllegalStateException("A ServiceRunner runs once");
        }
        List<Service> services;
        try {
            services = validate(env, assembler);
        } catch (ConfigException e) {
            err.println(process + " cannot start. " + e.getMessage());
            err.println("See the Configuration section of README.md.");
            err.flush();
            return EXIT_CONFIG;
        } catch (RuntimeException e) {
            log.error("{} cannot start: {}", process, e.toString(), e); // a bug, not a bad variable
            return EXIT_FAILED;
        }
        ServiceGroup group = new ServiceGroup(process, services);
        Thread hook = new Thread(this::onSignal, process + "-shutdown");
        jvm.addHook(hook);
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            log.error("Uncaught exception in thread {}", thread.getName(), error);
            fatal("thread " + thread.getName(), error);
        });
        try {
            log.info("Starting {}", process);
            if (group.startUnless(this::fatal, stopped::isDone)) {
                log.info("{} is running", process);
            }
            exitStatus.set(awaitStop());
        } catch (ServiceGroup.StartFailedException e) {
            log.error("{}; stopping {}", e.getMessage(), process);
            exitStatus.set(EXIT_FAILED);
        } finally {
            log.info("Stopping {}", process);
            group.close();
            Thread.setDefaultUncaughtExceptionHandler(previous);
            log.info("{} stopped", process);
            closed.countDown();
            jvm.removeHook(hook);
        }
        return exitStatus.get();
    }

    private List<Service> validate(Map<String, String> env, ServiceAssembler assembler) {
        ConfigCheck check = new ConfigCheck();
        check.read(() -> LogLevel.fromEnv(env));
        List<Service> services = check.read(() -> assembler.assemble(env));
        check.check();
        return services;
    }

    private void fatal(String source, Throwable error) {
        if (stopped.complete(EXIT_FAILED)) {
            log.error("{} failed: {}; stopping {}", source, ServiceGroup.describe(error), process);
        }
    }

    private int awaitStop() {
        try {
            return stopped.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_OK;
        } catch (ExecutionException e) {
            return EXIT_FAILED;
        }
    }

    /** The shutdown hook: ask {@link #run} to stop, wait for its close, end the JVM with its status. */
    private void onSignal() {
        if (stopped.complete(EXIT_OK)) {
            log.info("Shutdown requested");
        }
        try {
            if (!closed.await(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} did not stop within {}; exiting anyway", process, CLOSE_WAIT);
                jvm.halt(EXIT_FAILED);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        jvm.halt(exitStatus.get());
    }
}
