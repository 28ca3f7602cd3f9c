package dev.flowpulse.local;

import dev.flowpulse.runtime.FatalErrorListener;
import dev.flowpulse.runtime.MetricsHttpServer.Health;
import dev.flowpulse.runtime.Service;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What a newcomer needs from the one-command run, printed on stdout once the pipeline is healthy
 * (or after {@link #HEALTH_WAIT} with the reason it is not): the {@code /metrics} and {@code
 * /health} URLs, the Kafka bootstrap address, the Prefect URL (never its {@code user:pass@}), the
 * state directory.
 *
 * <p>Lifecycle: {@link #start} returns at once; a daemon thread checks the health every {@link
 * #CHECK_EVERY} and prints once. {@link #close} stops it. Thread safe.
 */
final class StartupBanner implements Service {

    static final Duration HEALTH_WAIT = Duration.ofSeconds(90);
    static final Duration CHECK_EVERY = Duration.ofMillis(250);

    /** What the banner shows; read once the pipeline is healthy. */
    record Facts(URI http, String kafka, boolean embeddedBroker, String prefect, boolean simulator, String stateDir) {}

    private final Supplier<Facts> facts;
    private final Supplier<Health> health;
    private final PrintStream out;
    private ScheduledExecutorService checker;

    StartupBanner(Supplier<Facts> facts, Supplier<Health> health, PrintStream out) {
        this.facts = facts;
        this.health = health;
        this.out = out;
    }

    @Override
    public String name() {
        return "banner";
    }

    @Override
    public synchronized void start(FatalErrorListener fatal) {
        checker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "startup-banner");
            t.setDaemon(true);
            return t;
        });
        long deadline = System.nanoTime() + HEALTH_WAIT.toNanos();
        checker.scheduleWithFixedDelay(
                () -> {
                    Health h = health.get();
                    if (h.up() || System.nanoTime() - deadline >= 0) {
                        out.print(text(facts.get(), h));
                        out.flush();
                        checker.shutdown();
                    }
                },
                0,
                CHECK_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (checker != null) {
            checker.shutdownNow();
        }
    }

    static String text(Facts f, Health health) {
        String head =
                health.up() ? "flowpulse is up" : "flowpulse started but is not healthy yet (" + health.detail() + ")";
        return head + "\n"
                + "  metrics  " + f.http().resolve("/metrics") + "\n"
                + "  health   " + f.http().resolve("/health") + "\n"
                + "  kafka    " + f.kafka()
                + (f.embeddedBroker() ? "  (embedded broker, e.g. kcat -b " + f.kafka() + " -L)" : "  (external)")
                + "\n"
                + "  prefect  " + withoutUserInfo(f.prefect()) + (f.simulator() ? "  (simulator)" : "") + "\n"
                + "  state    " + f.stateDir() + "\n"
                + "Ctrl-C stops it; FLOWPULSE_LOG_LEVEL=debug shows Kafka's own logs.\n";
    }

    /** A URL without {@code user:pass@}: credentials are never printed. */
    static String withoutUserInfo(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getRawUserInfo() == null) {
                return url;
            }
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            int at = url.lastIndexOf('@');
            int scheme = url.indexOf("://");
            return at > scheme && scheme >= 0 ? url.substring(0, scheme + 3) + url.substring(at + 1) : url;
        }
    }
}
