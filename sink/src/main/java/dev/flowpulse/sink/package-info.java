/**
 * The sink: reads the compacted totals topics ({@code flowpulse.state-totals},
 * {@code flowpulse.finished-totals}) from the beginning on every start, keeps the latest total per
 * series in memory ({@link dev.flowpulse.sink.TotalsTable}) and serves them as Prometheus counters
 * and a histogram ({@link dev.flowpulse.sink.TotalsCollector}). See {@code sink/README.md}.
 */
package dev.flowpulse.sink;
