/**
 * A fake Prefect 3.x server for tests and the one-command local run: the event websocket
 * ({@code /api/events/out}), the read endpoints flowpulse uses ({@code /api/events/filter},
 * {@code /api/flow_runs/history}, {@code /api/flow_runs/filter}) and seeded flow-run traffic whose
 * payloads match Prefect's wire format field for field.
 *
 * <p>Entry points: {@link dev.flowpulse.simulator.PrefectSimulator}, {@link dev.flowpulse.simulator.Scenario},
 * {@link dev.flowpulse.simulator.LiveTraffic}, {@link dev.flowpulse.simulator.SimulatorMain}.
 */
package dev.flowpulse.simulator;
