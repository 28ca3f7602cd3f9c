package dev.flowpulse.contract;

/**
 * Output of the topology's per-run step: one distinct, accepted state change of a flow run (a
 * redelivered event never produces a second one), with what the run's history so far implies.
 *
 * <p>{@code finishesRun} is a fact about this transition, not a promise that a
 * {@link FinishedFlowRun} was published with it: the run's finish is published separately, once,
 * either together with this transition or later, when the states this terminal state proves missing
 * (its {@code follows}, the RUNNING entries its {@code run_count} implies) have arrived, or after a
 * settle timeout. Count finished runs from the finished-runs topic, not from this flag.
 *
 * @param event               the state change
 * @param totalRunTimeSeconds Prefect's {@code total_run_time} for the run after this transition:
 *                            time spent in RUNNING, replayed from the states seen so far (may be
 *                            short if earlier states arrive later; the finished run carries the
 *                            value once the history is complete)
 * @param finishesRun         true on the run's first terminal state (the one its finish is about);
 *                            false on every other state, including a later terminal state of a run
 *                            forced out of a terminal state
 */
public record FlowRunTransition(FlowRunEvent event, double totalRunTimeSeconds, boolean finishesRun) {}
