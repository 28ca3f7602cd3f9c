package dev.flowpulse.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark ({@code ./run-benchmarks.sh}): starts the broker in its own JVM
 * ({@link BrokerProcess}), produces the corpus beforehand ({@link CorpusProducer}, timed
 * separately), then alternates bare and flowpulse {@link MeasuredRun}s, each in a fresh JVM
 * with the same options, {@code RUNS} times; writes {@code benchmarks/RESULTS.md}
 * ({@link ResultsReport}) and prints the summary line last.
 *
 * <p>Environment: {@code EVENTS} (1,000,000), {@code RUNS} (3), {@code SEED} (7), {@code APPS} ({@code bare,flowpulse}: which apps, in which order; with only one,
 * the report goes to {@code benchmarks/target/bench/RESULTS.md}),
 * {@code PROFILE=1} (the first flowpulse run records a JFR profile to
 * {@code benchmarks/target/flowpulse.jfr}), {@code FRESHNESS_SECONDS} (60; 0: no freshness run) and
 * {@code FRESHNESS_RATE} (1000 events/s) for the {@link FreshnessRun} after the throughput runs,
 * {@code LOAD_NOTE} (a sentence on other load, for the
 * report). Usage: {@code BenchmarkRunner <module-dir> <command-line>}.
 */
public final class BenchmarkRunner {

    static final String RAW_TOPIC = "flowpulse.prefect-events.raw";
    static final List<String> MEASURED_JVM = List.of("-XX:+UseG1GC", "-Xms256m", "-Xmx1g");
    private static final Logger log = LoggerFactory.getLogger(BenchmarkRunner.class);

    private BenchmarkRunner() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        Path moduleDir = Path.of(args[0]).toAbsolutePath();
        long events = Long.parseLong(env.getOrDefault("EVENTS", "1000000"));
        int runs = Integer.parseInt(env.getOrDefault("RUNS", "3"));
        long seed = Long.parseLong(env.getOrDefault("SEED", "7"));
        boolean profile = "1".equals(env.get("PROFILE"));
        List<String> apps = List.of(env.getOrDefault("APPS", "bare,flowpulse").split(","));
        long freshnessSeconds = Long.parseLong(env.getOrDefault("FRESHNESS_SECONDS", "60"));
        double rate = Double.parseDouble(env.getOrDefault("FRESHNESS_RATE", "1000"));
        String startLoad = ResultsReport.loadAverage();
        Path target = moduleDir.resolve("target");
        Path workDir = target.resolve("bench");
        deleteRecursively(workDir);
        Files.createDirectories(workDir.resolve("tmp"));
        JvmLauncher jvm = new JvmLauncher(workDir);

        Path bootstrapFile = workDir.resolve("bootstrap");
        Process broker = jvm.start(
                "broker",
                // The ReplicaManager's rejected-append ERRORs (KAFKA-18202) are counted per run, so on here.
                List.of("-Xmx512m", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.log.kafka.server.ReplicaManager=error"),
                BrokerProcess.class,
                workDir.resolve("broker").toString(),
                bootstrapFile.toString());
        Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy, "benchmark-broker-stop"));
        String bootstrap = awaitBootstrap(bootstrapFile, broker, jvm);
        log.info("Broker (separate JVM, pid {}) at {}", broker.pid(), bootstrap);

        Path corpusFile = workDir.resolve("corpus.properties");
        Process producer = jvm.start(
                "producer",
                List.of("-Xmx512m"),
                CorpusProducer.class,
                bootstrap,
                RAW_TOPIC,
                Long.toString(events),
                Long.toString(seed),
                corpusFile.toString());
        jvm.awaitSuccess("producer", producer);
        Properties corpus = ResultFile.read(corpusFile);
        log.info(
                "Produced {} events of {} runs in {} s ({} bytes of JSON)",
                corpus.get("events"),
                corpus.get("runs"),
                corpus.get("seconds"),
                corpus.get("bytes"));

        List<Properties> results = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            for (String kind : apps) {
                String label = kind + "-" + i;
                List<String> options = new ArrayList<>(MEASURED_JVM);
                options.add("-Xlog:gc:file=" + workDir.resolve(label + "-gc.log"));
                boolean profiled = profile && i == 1 && kind.equals("flowpulse");
                if (profiled) {
                    options.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                            + target.resolve("flowpulse.jfr"));
                }
                Path resultFile = workDir.resolve(label + ".properties");
                long rejectedBefore = rejectedAppends(jvm.log("broker"));
                Process run = jvm.start(
                        label,
                        options,
                        MeasuredRun.class,
                        kind,
                        bootstrap,
                        RAW_TOPIC,
                        label,
                        workDir.toString(),
                        resultFile.toString());
                jvm.awaitSuccess(label, run);
                Properties result = ResultFile.read(resultFile);
                result.put("run", Integer.toString(i));
                result.put("profiled", Boolean.toString(profiled));
                result.put("rejectedAppends", Long.toString(rejectedAppends(jvm.log("broker")) - rejectedBefore));
                results.add(result);
                log.info("{}: {} events/s", label, result.get("eventsPerSecond"));
                deleteRecursively(workDir.resolve("state-" + label));
            }
        }
        Properties freshness = null;
        if (freshnessSeconds > 0 && apps.contains("flowpulse")) {
            Path resultFile = workDir.resolve("freshness.properties");
            List<String> options = new ArrayList<>(MEASURED_JVM);
            options.add("-Xlog:gc:file=" + workDir.resolve("freshness-gc.log"));
            Process run = jvm.start(
                    "freshness",
                    options,
                    FreshnessRun.class,
                    bootstrap,
                    "freshness",
                    workDir.toString(),
                    resultFile.toString(),
                    Double.toString(rate),
                    Long.toString(freshnessSeconds),
                    Long.toString(seed));
            jvm.awaitSuccess("freshness", run);
            freshness = ResultFile.read(resultFile);
            log.info(
                    "freshness at {} events/s: p50 {} ms, p99 {} ms ({} of {} terminal events seen)",
                    freshness.get("achievedRate"),
                    freshness.get("p50Ms"),
                    freshness.get("p99Ms"),
                    freshness.get("seen"),
                    freshness.get("terminalEvents"));
        }
        broker.getOutputStream().close();
        broker.waitFor();
        ResultsReport report = new ResultsReport(
                args.length > 1 ? args[1] : "./run-benchmarks.sh", startLoad, corpus, results, freshness);
        // Only a comparison of both apps is a result; anything else stays in target/.
        Path resultsFile = apps.containsAll(List.of("bare", "flowpulse"))
                ? moduleDir.resolve("RESULTS.md")
                : workDir.resolve("RESULTS.md");
        String previous = Files.exists(resultsFile) ? Files.readString(resultsFile) : null;
        Files.writeString(
                resultsFile,
                ResultsReport.keepingOtherSections(report.markdown(env.getOrDefault("LOAD_NOTE", "")), previous));
        log.info("Wrote {}", resultsFile);
        System.out.println(report.summaryLine());
    }

    private static String awaitBootstrap(Path file, Process broker, JvmLauncher jvm) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            if (!broker.isAlive()) {
                jvm.awaitSuccess("broker", broker);
                throw new IllegalStateException("Broker exited before it was ready");
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Broker not ready within 120 s; see " + jvm.log("broker"));
    }

    /** The broker's "Error processing append operation" ERRORs so far (OutOfOrderSequenceException & co.). */
    static long rejectedAppends(Path brokerLog) throws java.io.IOException {
        if (!Files.exists(brokerLog)) {
            return 0;
        }
        try (var lines = Files.lines(brokerLog, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains("Error processing append operation"))
                    .count();
        }
    }

    static void deleteRecursively(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
