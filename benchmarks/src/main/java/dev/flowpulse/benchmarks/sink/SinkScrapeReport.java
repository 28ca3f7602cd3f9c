package dev.flowpulse.benchmarks.sink;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * Writes a {@link Result} into {@code RESULTS.md} between {@value #BEGIN} and {@value #END},
 * leaving everything outside the markers as it is (the topology results); appends the section if
 * the markers are missing.
 */
final class SinkScrapeReport {

    static final String BEGIN = "<!-- sink-scrape:begin -->";
    static final String END = "<!-- sink-scrape:end -->";

    private SinkScrapeReport() {}

    static void write(Path results, Result r) throws IOException {
        String old = Files.exists(results) ? Files.readString(results, StandardCharsets.UTF_8) : "";
        String section = BEGIN + "\n" + markdown(r) + END;
        int b = old.indexOf(BEGIN);
        int e = old.indexOf(END);
        String updated;
        if (b >= 0 && e > b) {
            updated = old.substring(0, b) + section + old.substring(e + END.length());
        } else {
            updated = old + (old.isEmpty() || old.endsWith("\n\n") ? "" : old.endsWith("\n") ? "\n" : "\n\n") + section
                    + "\n";
        }
        Files.writeString(results, updated, StandardCharsets.UTF_8);
    }

    static String markdown(Result r) {
        double[] load = loadAverage();
        StringBuilder md = new StringBuilder();
        md.append("## Sink scrape (`BENCH=sink`)\n\n");
        md.append("```\n").append(r.summary()).append("\n```\n\n");
        md.append("- command: `").append(r.command()).append("`\n");
        md.append("- date: ").append(Instant.now()).append('\n');
        md.append("- commit: `")
                .append(System.getenv().getOrDefault("GIT_COMMIT", "unknown"))
                .append("`\n");
        md.append(String.format(
                Locale.ROOT,
                "- machine: %d cores, load average (1/5/15 min) %.2f / %.2f / %.2f at the end; Java %s; one JVM"
                        + " (`-Xmx%d m`) holding the embedded broker, the sink and the baseline\n",
                Runtime.getRuntime().availableProcessors(),
                load[0],
                load[1],
                load[2],
                System.getProperty("java.vm.version"),
                r.maxHeap() / Result.MIB));
        String note = System.getenv("LOAD_NOTE");
        if (note != null && !note.isBlank()) {
            md.append("- **load:** ").append(note).append('\n');
        }
        md.append(String.format(
                Locale.ROOT,
                "- input: %,d deployments → %,d state-total, %,d finished-total, %,d window-stats (1m, 5m, 1h"
                        + " slices) and %,d in-progress records, one transaction, written in %.1f s; the sink"
                        + " served all of them %.1f s after it started\n",
                r.deployments(),
                r.corpus().stateTotals(),
                r.corpus().finishedTotals(),
                r.corpus().windowStats(),
                r.corpus().inProgress(),
                r.produceSeconds(),
                r.catchUpSeconds()));
        md.append(String.format(
                Locale.ROOT,
                "- page: %,d `prefect_*` samples (%,d sample lines with the self-metrics), %,d bytes\n\n",
                r.prefectSamples(),
                r.sampleLines(),
                r.pageBytes()));
        md.append("| `GET /metrics` over HTTP, ")
                .append(r.scrapes())
                .append(" scrapes each, interleaved")
                .append(" | median ms | p95 ms | max ms |\n|---|---:|---:|---:|\n");
        md.append(row("flowpulse sink", r.sink()));
        md.append(row(
                "bare: a Micrometer registry of " + String.format(Locale.ROOT, "%,d", r.prefectSamples())
                        + " plain gauges (4 labels)",
                r.bare()));
        md.append(String.format(
                Locale.ROOT,
                "\n**ratio sink / bare (median): %.2f**; targets (issue 8): < 100 ms a scrape → median %s,"
                        + " p95 %s.\n\n",
                r.ratio(),
                r.sink().median() < 100 ? "met" : "NOT met",
                r.sink().p95() < 100 ? "met" : "NOT met"));
        md.append(String.format(
                Locale.ROOT,
                "Heap used after two `System.gc()`: %d MiB with the broker and the written records, %d MiB"
                        + " once the sink had caught up → **the sink holds %d MiB** (target < 256 MB, i.e. 244 MiB: %s);"
                        + " %d MiB at the end (with the baseline registry).\n",
                r.heapBeforeSink() / Result.MIB,
                r.heapWithSink() / Result.MIB,
                r.sinkHeapMiB(),
                r.sinkHeapMiB() < 244 ? "met" : "NOT met",
                r.heapAtEnd() / Result.MIB));
        return md.toString();
    }

    private static String row(String name, Stats s) {
        return String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f |%n", name, s.median(), s.p95(), s.max());
    }

    private static double[] loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (IOException | RuntimeException e) {
            double one = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return new double[] {one, Double.NaN, Double.NaN};
        }
    }
}
