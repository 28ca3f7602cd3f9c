package dev.flowpulse.contract;

/** Key of the state-totals topic: one series of {@code prefect_flow_run_states_total}. */
public record StateSeries(SeriesLabels labels, StateType stateType, String state) {}
