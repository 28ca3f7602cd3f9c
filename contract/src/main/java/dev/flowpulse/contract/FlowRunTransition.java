package dev.flowpulse.contract;

/**
 * Output of the topology's per-run step: one distinct, accepted state change of a flow run (a
 * redelivered event never produces a second one), with what the run's history so far implies.
 *
 * @param event               the state change
 * @param totalRunTimeSeconds Prefect's {@code total_run_time} for the run after this transition:
 *                            time spent in RUNNING, replayed from the states seen so far
 * @param finishesRun         true on the first terminal state of the run, the one that counts it as finished
 */
public record FlowRunTransition(FlowRunEvent event, double totalRunTimeSeconds, boolean finishesRun) {}
