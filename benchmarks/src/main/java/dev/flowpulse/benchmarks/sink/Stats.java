package dev.flowpulse.benchmarks.sink;

import java.util.List;

/** Median, p95 (nearest rank) and max of a set of millisecond timings. */
record Stats(double median, double p95, double max) {

    static Stats of(List<Double> ms) {
        List<Double> sorted = ms.stream().sorted().toList();
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        double p95 = sorted.get(Math.max(0, (int) Math.ceil(0.95 * n) - 1));
        return new Stats(median, p95, sorted.get(n - 1));
    }
}
