package dev.flowpulse.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ServiceRunnerTest {

    private final FakeJvm jvm = new FakeJvm();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final ServiceRunner runner = new ServiceRunner("test process", jvm, new PrintStream(err, true, UTF_8));

    @Test
    void shouldReportEveryConfigurationProblemInOneMessageAndStartNothing() {
        Map<String, String> env = Map.of(
                "FLOWPULSE_LOG_LEVEL", "loud",
                "FLOWPULSE_TOPIC_PARTITIONS", "x",
                "FLOWPULSE_RAW_RETENTION", "forever",
                "FLOWPULSE_KAFKA_CLIENT_METRICS", "maybe");

        int status = runner.run(env, e -> {
            ConfigCheck check = new ConfigCheck();
            check.read(() -> TopicSettings.fromEnv(e));
            check.read(() -> MeterRegistries.prometheus(e));
            check.read(() -> TopicSettings.fromEnv(e)); // a second reader of the same variables
            check.check();
            return List.of(recording("never"));
        });

        assertThat(status).isEqualTo(ServiceRunner.EXIT_CONFIG);
        String message = err.toString(UTF_8);
        assertThat(message)
                .startsWith("test process cannot start. Invalid configuration:")
                .contains(
                        "FLOWPULSE_LOG_LEVEL must be one of error, warn, info, debug, got 'loud'",
                        "FLOWPULSE_TOPIC_PARTITIONS must be an integer, got 'x'",
                        "FLOWPULSE_RAW_RETENTION must be a duration",
                        "FLOWPULSE_KAFKA_CLIENT_METRICS must be true or false, got 'maybe'")
                .doesNotContain("Exception", "\tat ");
        assertThat(message.split("FLOWPULSE_TOPIC_PARTITIONS", -1))
                .as("reported once")
                .hasSize(2);
        assertThat(events).isEmpty();
        assertThat(jvm.hooks).isEmpty();
    }

    @Test
    void shouldCloseInReverseOrderAndExitZeroOnShutdownSignal() throws Exception {
        CompletableFuture<Integer> status = runInBackground(List.of(recording("a"), recording("b"), recording("c")));
        await().until(() -> events.contains("start c"));

        Thread hook = jvm.hooks.get(0);
        hook.start(); // what the JVM does on SIGTERM or Ctrl-C

        assertThat(status.get(30, SECONDS)).isEqualTo(ServiceRunner.EXIT_OK);
        hook.join(30_000);
        assertThat(events).containsExactly("start a", "start b", "start c", "close c", "close b", "close a");
        assertThat(jvm.halted)
                .as("the hook ends the JVM with 0, not the signal's 143")
                .containsExactly(0);
    }

    @Test
    void shouldCloseEverythingAndReturnOneOnAFatalError() throws Exception {
        AtomicReference<FatalErrorListener> listener = new AtomicReference<>();
        Service streams = new Service() {
            @Override
            public String name() {
                return "streams";
            }

            @Override
            public void start(FatalErrorListener fatal) {
                listener.set(fatal);
                events.add("start streams");
            }

            @Override
            public void close() {
                events.add("close streams");
            }
        };
        CompletableFuture<Integer> status = runInBackground(List.of(recording("topics"), streams, recording("http")));
        await().until(() -> events.contains("start http"));

        new Thread(() -> listener.get().onFatalError("streams", new IllegalStateException("stream thread died")))
                .start();

        assertThat(status.get(30, SECONDS)).isEqualTo(ServiceRunner.EXIT_FAILED);
        assertThat(events)
                .containsExactly(
                        "start topics", "start streams", "start http", "close http", "close streams", "close topics");
        assertThat(jvm.halted).as("main exits, not the runner").isEmpty();
        assertThat(jvm.hooks)
                .as("removed, so main's exit(1) is not turned into 0")
                .isEmpty();
    }

    @Test
    void shouldTreatAnUncaughtExceptionInAnyThreadAsFatal() throws Exception {
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Service worker = Service.of(
                "worker",
                () -> {
                    events.add("start worker");
                    new Thread(
                                    () -> {
                                        throw new IllegalStateException("a bug in a service thread");
                                    },
                                    "worker-thread")
                            .start();
                },
                () -> events.add("close worker"));

        assertThat(runInBackground(List.of(worker)).get(30, SECONDS)).isEqualTo(ServiceRunner.EXIT_FAILED);
        assertThat(events).containsExactly("start worker", "close worker");
        assertThat(Thread.getDefaultUncaughtExceptionHandler()).isSameAs(before);
    }

    @Test
    void shouldCloseWhatStartedWhenAStartFails() {
        Service http = Service.of(
                "http",
                () -> {
                    throw new BindException("Address already in use");
                },
                () -> events.add("close http"));

        int status = runner.run(Map.of(), env -> List.of(recording("topics"), http, recording("never")));

        assertThat(status).isEqualTo(ServiceRunner.EXIT_FAILED);
        assertThat(events).containsExactly("start topics", "close http", "close topics");
        assertThat(jvm.hooks).isEmpty();
    }

    @Test
    void shouldReportAWatchedServiceThatEndsByItself() throws Exception {
        CountDownLatch consumerEnds = new CountDownLatch(1);
        WatchedService sink = new WatchedService(
                "sink",
                () -> events.add("start sink"),
                () -> {
                    consumerEnds.await();
                    return new IllegalStateException("totals consumer failed");
                },
                () -> events.add("close sink"));
        CompletableFuture<Integer> status = runInBackground(List.of(sink));
        await().until(() -> events.contains("start sink"));

        consumerEnds.countDown();

        assertThat(status.get(30, SECONDS)).isEqualTo(ServiceRunner.EXIT_FAILED);
        assertThat(events).containsExactly("start sink", "close sink");
    }

    @Test
    void shouldNotReportAWatchedServiceEndedByItsClose() throws Exception {
        CountDownLatch consumerEnds = new CountDownLatch(1);
        WatchedService sink = new WatchedService(
                "sink",
                () -> events.add("start sink"),
                () -> {
                    consumerEnds.await();
                    return new IllegalStateException("stopped");
                },
                () -> {
                    consumerEnds.countDown();
                    events.add("close sink");
                });
        CompletableFuture<Integer> status = runInBackground(List.of(sink));
        await().until(() -> events.contains("start sink"));

        jvm.hooks.get(0).start();

        assertThat(status.get(30, SECONDS)).isEqualTo(ServiceRunner.EXIT_OK);
        await().until(() -> jvm.halted.equals(List.of(0)));
    }

    private Service recording(String name) {
        return Service.of(name, () -> events.add("start " + name), () -> events.add("close " + name));
    }

    private CompletableFuture<Integer> runInBackground(List<Service> services) {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        Thread main = new Thread(() -> status.complete(runner.run(Map.of(), env -> services)), "test-main");
        main.start();
        return status;
    }

    /** Records hooks and halts instead of touching the test JVM. */
    private static final class FakeJvm implements JvmShutdown {
        final List<Thread> hooks = new CopyOnWriteArrayList<>();
        final List<Integer> halted = new CopyOnWriteArrayList<>();

        @Override
        public void addHook(Thread hook) {
            hooks.add(hook);
        }

        @Override
        public boolean removeHook(Thread hook) {
            if (hook.getState() != Thread.State.NEW) {
                return false; // running: the JVM is shutting down
            }
            return hooks.remove(hook);
        }

        @Override
        public void halt(int status) {
            halted.add(status);
        }
    }
}
