package dev.flowpulse.contract;

/** Key of the finished-totals topic: one series of {@code prefect_flow_runs_finished_total} and the duration histogram. */
public record FinishedSeries(SeriesLabels labels, StateType stateType) {}
