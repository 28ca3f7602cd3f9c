package dev.flowpulse.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker + controller in one) running inside this JVM,
 * through the same code path as Kafka's own start scripts: the log directory is formatted with
 * {@code StorageTool}, then {@code KafkaRaftServer} starts. Listeners bind 127.0.0.1 on free ports.
 *
 * <p>Lifecycle: {@link #start} returns once the broker answers an Admin {@code describeCluster};
 * {@link #stop}/{@link #restart} simulate a broker outage on the same ports and data;
 * {@link #close} stops it for good. Kafka's fatal-error halt is turned into a logged exception so a
 * broker failure fails a test instead of killing the JVM. While it runs, a {@link
 * HangingTransactionGuard} completes transactions that Kafka's coordinator left open after a
 * restart ({@link #repairedTransactions()} counts them). Not thread safe: drive it from one thread
 * ({@link #repairedTransactions()} may be read from any).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final Duration GUARD_INTERVAL = Duration.ofSeconds(3);

    private final Path dataDir;
    private final Properties serverProps;
    private final int port;
    private KafkaRaftServer server;
    /** Scans for hanging transactions while the broker runs; see {@link HangingTransactionGuard}. */
    private ScheduledExecutorService guardThread;

    private Admin guardAdmin;
    private volatile HangingTransactionGuard guard;
    private final Map<String, Long> repairedBefore = new java.util.concurrent.ConcurrentHashMap<>();

    private EmbeddedKafkaBroker(Path dataDir, Properties serverProps, int port) {
        this.dataDir = dataDir;
        this.serverProps = serverProps;
        this.port = port;
    }

    /** Formats {@code dataDir} (created if missing, must be empty or absent) and starts a broker. */
    public static EmbeddedKafkaBroker start(Path dataDir) {
        return start(dataDir, Map.of());
    }

    /** As {@link #start(Path)}, with extra broker properties (they override the defaults). */
    public static EmbeddedKafkaBroker start(Path dataDir, Map<String, String> overrides) {
        neverHaltTheJvm();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int brokerPort = freePort();
            int controllerPort = freePort();
            Path dir = dataDir.resolve("attempt-" + attempt);
            Properties props = serverProperties(dir, brokerPort, controllerPort);
            props.putAll(overrides);
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, props, brokerPort);
            try {
                broker.format();
                broker.startServer();
                return broker;
            } catch (RuntimeException e) {
                // A free port can be taken between probing and binding; try new ports.
                last = e;
                log.warn("Embedded broker start attempt {} failed: {}", attempt, e.toString());
                broker.stopServer();
            }
        }
        throw new IllegalStateException("Embedded Kafka broker did not start", last);
    }

    /**
     * Starts the broker formatted earlier under {@code dataDir} by {@link #start(Path)} (its
     * cluster id, data and ports kept), or formats a new one there if none was. The ports recorded
     * in its {@code server.properties} are reused; a port another process now holds is replaced by
     * a free one, with a warning.
     */
    public static EmbeddedKafkaBroker startOrReopen(Path dataDir) {
        Path previous = formatted(dataDir);
        if (previous == null) {
            return start(dataDir);
        }
        neverHaltTheJvm();
        Properties props = new Properties();
        Path propsFile = previous.resolve("server.properties");
        try (InputStream in = Files.newInputStream(propsFile)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + propsFile, e);
        }
        int brokerPort = portOf(props.getProperty("advertised.listeners"));
        int controllerPort = portOf(props.getProperty("controller.quorum.bootstrap.servers"));
        int newBroker = isFree(brokerPort) ? brokerPort : freePort();
        int newController = isFree(controllerPort) ? controllerPort : freePort();
        // log.dirs is recorded absolute: a directory moved or copied since must use its own data.
        String logs = previous.resolve("logs").toAbsolutePath().toString();
        boolean moved = !logs.equals(props.getProperty("log.dirs"));
        if (moved) {
            log.info(
                    "Embedded broker in {} was formatted at {}; using its data where it is now",
                    previous,
                    props.getProperty("log.dirs"));
            props.put("log.dirs", logs);
        }
        if (newBroker != brokerPort || newController != controllerPort) {
            log.warn(
                    "Embedded broker in {}: port {} or {} is taken by another process; using {} and {}",
                    previous,
                    brokerPort,
                    controllerPort,
                    newBroker,
                    newController);
            props.putAll(serverProperties(previous, newBroker, newController));
        }
        if (moved || newBroker != brokerPort || newController != controllerPort) {
            try (OutputStream out = Files.newOutputStream(propsFile)) {
                props.store(out, "flowpulse embedded broker");
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write " + propsFile, e);
            }
        }
        log.info("Reopening the embedded broker formatted in {} (its data and cluster id kept)", previous);
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(previous, props, newBroker);
        try {
            broker.startServer();
        } catch (RuntimeException e) {
            broker.stopServer();
            throw e;
        }
        return broker;
    }

    /** The last directory {@link #start(Path)} formatted under {@code dataDir}, or null. */
    private static Path formatted(Path dataDir) {
        for (int attempt = 3; attempt >= 1; attempt--) {
            Path dir = dataDir.resolve("attempt-" + attempt);
            if (Files.exists(dir.resolve("server.properties"))
                    && Files.exists(dir.resolve("logs").resolve("meta.properties"))) {
                return dir;
            }
        }
        return null;
    }

    private static int portOf(String address) {
        if (address == null) {
            throw new IllegalStateException("No address in the broker's server.properties");
        }
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1).trim());
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Properties serverProperties(Path dir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.resolve("logs").toAbsolutePath().toString());
        // A single node: internal topics must not ask for more replicas than exist, or consumers
        // and transactions stall silently.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "true");
        return p;
    }

    private void format() {
        try {
            Files.createDirectories(dataDir);
            Path propsFile = dataDir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(propsFile)) {
                serverProps.store(out, "flowpulse embedded broker");
            }
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            int rc;
            try (PrintStream ps = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
                rc = StorageTool.execute(
                        new String[] {
                            "format", "-t", Uuid.randomUuid().toString(), "-c", propsFile.toString(), "--standalone"
                        },
                        ps);
            }
            if (rc != 0) {
                throw new IllegalStateException(
                        "Formatting " + dataDir + " failed: " + buffer.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startServer() {
        Instant begin = Instant.now();
        server = new KafkaRaftServer(KafkaConfig.fromProps(serverProps, false), Time.SYSTEM);
        server.startup();
        awaitReady(Duration.ofSeconds(60));
        startGuard();
        log.info(
                "Embedded Kafka broker ready at {} in {} ms",
                bootstrapServers(),
                Duration.between(begin, Instant.now()).toMillis());
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(clientProperties())) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster()
                            .nodes()
                            .get(5, TimeUnit.SECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
                sleep(100);
            }
        }
        throw new IllegalStateException("Broker at " + bootstrapServers() + " not ready within " + timeout, last);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** {@code bootstrap.servers} only; add client settings on top. */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return p;
    }

    public void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = Admin.create(clientProperties())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create topic " + name, e);
        }
    }

    /** Stops the broker, keeping its data and ports: clients see an outage until {@link #restart}. */
    public void stop() {
        stopServer();
    }

    /** Starts a stopped broker again on the same port with the same data. */
    public void restart() {
        if (server != null) {
            throw new IllegalStateException("Broker is running");
        }
        startServer();
    }

    @Override
    public void close() {
        stopServer();
    }

    private void startGuard() {
        Properties props = clientProperties();
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, "flowpulse-embedded-broker-transaction-guard");
        guardAdmin = Admin.create(props);
        guard = new HangingTransactionGuard(
                guardAdmin, props, new TransactionMarkerWriter(new InetSocketAddress("127.0.0.1", port)));
        guardThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "embedded-broker-transaction-guard");
            t.setDaemon(true);
            return t;
        });
        guardThread.scheduleWithFixedDelay(guard::scan, 0, GUARD_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void stopGuard() {
        if (guardThread != null) {
            guardThread.shutdownNow();
            try {
                guardThread.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            guard.repaired().forEach((result, n) -> repairedBefore.merge(result, n, Long::sum));
            guardAdmin.close(Duration.ofSeconds(5));
            guardThread = null;
            guard = null;
        }
    }

    /**
     * Hanging transactions this broker completed since it was created, by result ({@code commit},
     * {@code abort}, {@code failed}): see {@link HangingTransactionGuard}.
     */
    public Map<String, Long> repairedTransactions() {
        Map<String, Long> total = new java.util.TreeMap<>(Map.of("commit", 0L, "abort", 0L, "failed", 0L));
        repairedBefore.forEach((result, n) -> total.merge(result, n, Long::sum));
        HangingTransactionGuard current = guard;
        if (current != null) {
            current.repaired().forEach((result, n) -> total.merge(result, n, Long::sum));
        }
        return total;
    }

    private void stopServer() {
        stopGuard();
        if (server != null) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException e) {
                log.warn("Embedded broker shutdown: {}", e.toString());
            }
            server = null;
        }
    }

    private static void neverHaltTheJvm() {
        Exit.setHaltProcedure((code, message) -> {
            throw new IllegalStateException("Kafka requested halt(" + code + "): " + message);
        });
        Exit.setExitProcedure((code, message) -> {
            throw new IllegalStateException("Kafka requested exit(" + code + "): " + message);
        });
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
