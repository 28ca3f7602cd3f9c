/**
 * The flowpulse streams service: {@link dev.flowpulse.streams.FlowRunTopology} (Prefect flow-run
 * events into transitions, finished runs, totals and window statistics, exactly once), its config
 * ({@link dev.flowpulse.streams.StreamsServiceConfig}, {@link dev.flowpulse.streams.StreamsProperties})
 * and its process ({@link dev.flowpulse.streams.StreamsService}, {@link dev.flowpulse.streams.StreamsMain}).
 * Sub-packages: {@code parse} (raw record → state change or dead letter), {@code run} (per-run
 * history and Prefect's timing rules), {@code window} (window grouping), {@code errors}
 * (dead-lettering exception handlers). The design is written up in {@code streams/README.md}.
 */
package dev.flowpulse.streams;
