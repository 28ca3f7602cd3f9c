package dev.flowpulse.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.common.utils.internals.AppInfoParser;

/**
 * Turns the corpus and run figures into {@code benchmarks/RESULTS.md} (command, machine, corpus,
 * every run, medians, heap, ratio) and the one-line summary {@code ./run-benchmarks.sh} prints
 * last. Immutable.
 */
final class ResultsReport {

    private final String command;
    private final Properties corpus;
    private final List<Properties> runs;
    private final String startLoad;
    private final Properties freshness;

    /** @param freshness the {@link FreshnessRun}'s figures, or null when it did not run */
    ResultsReport(String command, String startLoad, Properties corpus, List<Properties> runs, Properties freshness) {
        this.command = command;
        this.startLoad = startLoad;
        this.corpus = corpus;
        this.runs = List.copyOf(runs);
        this.freshness = freshness;
    }

    /** Another benchmark's section of RESULTS.md, kept verbatim when the file is rewritten. */
    static final String SINK_SCRAPE_BEGIN = "<!-- sink-scrape:begin -->";

    static final String SINK_SCRAPE_END = "<!-- sink-scrape:end -->";

    /**
     * The new report followed by the {@code sink-scrape} section of the previous file, verbatim
     * (written by the sink scrape benchmark, not by this one), when there is one.
     */
    static String keepingOtherSections(String report, String previous) {
        if (previous == null) {
            return report;
        }
        int begin = previous.indexOf(SINK_SCRAPE_BEGIN);
        int end = previous.indexOf(SINK_SCRAPE_END, Math.max(begin, 0));
        if (begin < 0 || end < 0) {
            return report;
        }
        return report + "\n" + previous.substring(begin, end + SINK_SCRAPE_END.length()) + "\n";
    }

    long median(String kind, String field) {
        long[] values = runs.stream()
                .filter(r -> kind.equals(r.get("kind")))
                .mapToLong(r -> Long.parseLong(r.getProperty(field)))
                .sorted()
                .toArray();
        int n = values.length;
        if (n == 0) {
            return 0;
        }
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    double ratio() {
        if (median("bare", "eventsPerSecond") == 0) {
            return 0;
        }
        return (double) median("flowpulse", "eventsPerSecond") / median("bare", "eventsPerSecond");
    }

    String summaryLine() {
        return String.format(
                Locale.ROOT,
                "topology: flowpulse=%d events/s bare=%d events/s ratio=%.2f",
                median("flowpulse", "eventsPerSecond"),
                median("bare", "eventsPerSecond"),
                ratio());
    }

    String markdown(String loadNote) {
        long events = Long.parseLong(corpus.getProperty("events"));
        double produceSeconds = Double.parseDouble(corpus.getProperty("seconds"));
        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results\n\n");
        md.append("Written by `./run-benchmarks.sh` (see [README.md](README.md) for what it measures and how).\n\n");
        md.append("```\n").append(summaryLine()).append("\n```\n\n");
        md.append("- command: `").append(command).append("`\n");
        md.append("- date: ")
                .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append("\n");
        md.append("- commit: `")
                .append(System.getenv().getOrDefault("GIT_COMMIT", "unknown"))
                .append("`\n");
        md.append("- machine: ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores (`nproc`), ")
                .append(memTotal())
                .append(" memory; load average (1/5/15 min) ")
                .append(startLoad)
                .append(" at the start, ")
                .append(loadAverage())
                .append(" at the end; benchmark processes at nice ")
                .append(niceness())
                .append("\n");
        md.append("- Java: ")
                .append(System.getProperty("java.vm.name"))
                .append(' ')
                .append(System.getProperty("java.runtime.version"))
                .append("; Kafka ")
                .append(AppInfoParser.getVersion())
                .append(" (clients, streams and broker)\n");
        md.append("- measured JVMs: `")
                .append(String.join(" ", BenchmarkRunner.MEASURED_JVM))
                .append("`, one fresh JVM per run; broker in its own JVM (`-Xmx512m`) on the same cores\n");
        if (!loadNote.isBlank()) {
            md.append("- **load:** ").append(loadNote).append("\n");
        }
        md.append("\n## Corpus\n\n");
        md.append(String.format(
                Locale.ROOT,
                "%,d Prefect flow-run state events of %,d flow runs (%.2f events per run), %.0f bytes of JSON per "
                        + "event on average, event time %s to %s (%s); produced beforehand into `%s` "
                        + "(%d partitions, key flow-run id) by an idempotent `acks=all` producer in %.1f s "
                        + "(%,d events/s, generation included).\n",
                events,
                Long.parseLong(corpus.getProperty("runs")),
                (double) events / Long.parseLong(corpus.getProperty("runs")),
                (double) Long.parseLong(corpus.getProperty("bytes")) / events,
                corpus.getProperty("firstOccurred"),
                corpus.getProperty("lastOccurred"),
                corpus.getProperty("eventTimeSpan"),
                BenchmarkRunner.RAW_TOPIC,
                CorpusProducer.PARTITIONS,
                produceSeconds,
                Math.round(events / produceSeconds)));
        md.append("\n## Runs (alternating, each from the earliest offset with a fresh application id)\n\n");
        md.append("| run | app | events/s | seconds | start-up s | peak heap MiB | committed heap MiB | peak RSS MiB | "
                + "broker rejected appends |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Properties r : runs) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s%s | %s | %s | %s | %d | %d | %d | %s |\n",
                    r.get("run"),
                    r.get("kind"),
                    Boolean.parseBoolean(r.getProperty("profiled")) ? " (JFR on)" : "",
                    r.get("eventsPerSecond"),
                    r.get("seconds"),
                    r.get("startupSeconds"),
                    mib(r, "peakHeapBytes"),
                    mib(r, "committedHeapBytes"),
                    mib(r, "peakRssBytes"),
                    r.getProperty("rejectedAppends", "?")));
        }
        md.append("\n## Medians\n\n| app | events/s | peak heap MiB | peak RSS MiB |\n|---|---:|---:|---:|\n");
        for (String kind : List.of("flowpulse", "bare")) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %d | %d |\n",
                    kind,
                    median(kind, "eventsPerSecond"),
                    median(kind, "peakHeapBytes") >> 20,
                    median(kind, "peakRssBytes") >> 20));
        }
        md.append(String.format(Locale.ROOT, "\n**ratio flowpulse / bare: %.2f**\n", ratio()));
        if (freshness != null) {
            freshnessSection(md);
        }
        md.append(
                "\nevents/s = input records / (all input offsets committed − first input record read). Peak "
                        + "heap: the measured JVM's used heap sampled every 100 ms (`MemoryMXBean`, garbage included); "
                        + "RSS: `VmHWM` of the measured JVM (includes RocksDB's native memory). GC logs "
                        + "(`-Xlog:gc`) and each JVM's log are in `benchmarks/target/bench/`. Broker rejected appends: the "
                        + "broker's `ReplicaManager` ERRORs \"Error processing append operation\" during the run "
                        + "(`OutOfOrderSequenceException` of the transactional producer, KAFKA-18202; see streams/README.md).\n");
        return md.toString();
    }

    private void freshnessSection(StringBuilder md) {
        md.append("\n## Freshness under live load\n\n");
        md.append(String.format(
                Locale.ROOT,
                "flowpulse alone (fresh JVM, same options), fed at %s events/s (achieved %s) for %s s after a "
                        + "%d s warm-up; for each terminal event, its send → the first `flowpulse.flow-runs-finished` "
                        + "record of its run seen by a `read_committed` consumer (same JVM, same clock).\n\n",
                freshness.get("rate"),
                freshness.get("achievedRate"),
                freshness.get("measuredSeconds"),
                FreshnessRun.WARM_UP.toSeconds()));
        md.append("| terminal events | seen | p50 ms | p99 ms | max ms |\n|---:|---:|---:|---:|---:|\n");
        md.append(String.format(
                Locale.ROOT,
                "| %s | %s | %s | %s | %s |\n",
                freshness.get("terminalEvents"),
                freshness.get("seen"),
                freshness.get("p50Ms"),
                freshness.get("p99Ms"),
                freshness.get("maxMs")));
        md.append("\nTarget (issue 7): p99 ≤ 500 ms. A terminal event whose finish waits for a missing state "
                + "(settle time) would count as unseen, not as slow.\n");
    }

    private static long mib(Properties r, String field) {
        return Long.parseLong(r.getProperty(field)) >> 20;
    }

    private static String memTotal() {
        return firstLine("/proc/meminfo", "MemTotal:")
                .map(l -> (Long.parseLong(l.replaceAll("[^0-9]", "")) >> 20) + " GiB")
                .orElse("unknown");
    }

    /** This process's nice value (field 19 of /proc/self/stat), which its children inherit. */
    private static String niceness() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " / " + parts[1] + " / " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static java.util.Optional<String> firstLine(String file, String prefix) {
        try {
            return Files.readAllLines(Path.of(file)).stream()
                    .filter(l -> l.startsWith(prefix))
                    .findFirst();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }
}
