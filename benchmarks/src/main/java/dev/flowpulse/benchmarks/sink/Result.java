package dev.flowpulse.benchmarks.sink;

import java.util.Locale;

/** The figures of one {@link SinkScrapeBenchmark} run. Heap figures are bytes used after GC. */
record Result(
        String command,
        int series,
        int deployments,
        SinkScrapeBenchmark.Corpus corpus,
        double produceSeconds,
        double catchUpSeconds,
        int prefectSamples,
        long sampleLines,
        int pageBytes,
        int scrapes,
        Stats sink,
        Stats bare,
        long heapBeforeSink,
        long heapWithSink,
        long heapAtEnd,
        long maxHeap) {

    static final long MIB = 1024 * 1024;

    double ratio() {
        return sink.median() / bare.median();
    }

    long sinkHeapMiB() {
        return (heapWithSink - heapBeforeSink) / MIB;
    }

    String summary() {
        return String.format(
                Locale.ROOT,
                "sink-scrape: samples=%d median=%.1f ms p95=%.1f ms max=%.1f ms bare-median=%.1f ms ratio=%.2f"
                        + " sink-heap=%d MiB",
                prefectSamples,
                sink.median(),
                sink.p95(),
                sink.max(),
                bare.median(),
                ratio(),
                sinkHeapMiB());
    }
}
