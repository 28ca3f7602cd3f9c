package dev.flowpulse.local;

import dev.flowpulse.broker.EmbeddedKafkaBroker;
import dev.flowpulse.runtime.FatalErrorListener;
import dev.flowpulse.runtime.Service;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local run's Kafka broker, in this process, with its data in {@code home/broker}. Once the
 * broker answers, its address is put into the services' environment as {@code
 * KAFKA_BOOTSTRAP_SERVERS}.
 *
 * <p>With {@code keepData} (an external Prefect) the broker formatted by an earlier run is
 * reopened, its cluster id, topics, offsets and transactions kept, and the streams state beside it
 * too: the counters continue where they stopped, also after a {@code kill -9} (the broker completes
 * transactions such a restart left hanging, counted in {@code
 * flowpulse_local_broker_hanging_transactions_completed_total}; see {@code HangingTransactionGuard}
 * in the broker module). Without it (the
 * simulator, which starts from nothing) {@code home} is wiped first: a fresh broker needs fresh
 * streams state too. Either way {@code home/.lock} is locked first, so two launchers never share a
 * directory.
 *
 * <p>Start and close from one thread.
 */
final class EmbeddedBrokerService implements Service {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedBrokerService.class);

    static final String LOCK_FILE = ".lock";

    private final Path home;
    private final boolean keepData;
    private final Map<String, String> pipelineEnv;
    private final MeterRegistry registry;
    private FileChannel lockChannel;
    private EmbeddedKafkaBroker broker;

    EmbeddedBrokerService(Path home, boolean keepData, Map<String, String> pipelineEnv, MeterRegistry registry) {
        this.home = home;
        this.keepData = keepData;
        this.pipelineEnv = pipelineEnv;
        this.registry = registry;
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public void start(FatalErrorListener fatal) throws IOException {
        lock();
        Path data = home.resolve("broker");
        if (keepData) {
            broker = EmbeddedKafkaBroker.startOrReopen(data);
        } else {
            wipeAllButTheLock();
            broker = EmbeddedKafkaBroker.start(data);
        }
        pipelineEnv.put(LocalConfig.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
        EmbeddedKafkaBroker started = broker;
        for (String result : List.of("commit", "abort", "failed")) {
            FunctionCounter.builder(
                            "flowpulse.local.broker.hanging.transactions.completed",
                            started,
                            b -> b.repairedTransactions().getOrDefault(result, 0L))
                    .description("Transactions the embedded broker found hanging (open on a partition, complete at"
                            + " their coordinator: KAFKA-20734 after a restart) and completed, by the result it wrote"
                            + " (commit, abort; failed: attempts that did not write it)")
                    .tag("result", result)
                    .register(registry);
        }
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.close();
        }
        if (lockChannel != null) {
            try {
                lockChannel.close(); // releases the lock
            } catch (IOException e) {
                log.warn("Cannot release {}: {}", home.resolve(LOCK_FILE), e.toString());
            }
        }
    }

    /** Held until {@link #close} or the end of the process (a crash releases it too). */
    private void lock() throws IOException {
        Files.createDirectories(home);
        Path file = home.resolve(LOCK_FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException(
                    "FLOWPULSE_LOCAL_DIR " + home.toAbsolutePath().normalize()
                            + " is in use by another flowpulse launcher ("
                            + file.toAbsolutePath().normalize()
                            + " is locked): stop it, or give this one another FLOWPULSE_LOCAL_DIR");
        }
        lockChannel = channel;
    }

    /** Deleting the lock file itself would let another launcher lock a new one while this one runs. */
    private void wipeAllButTheLock() throws IOException {
        List<Path> children;
        try (Stream<Path> list = Files.list(home)) {
            children = list.filter(p -> !p.getFileName().toString().equals(LOCK_FILE))
                    .toList();
        }
        for (Path child : children) {
            deleteRecursively(child);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
