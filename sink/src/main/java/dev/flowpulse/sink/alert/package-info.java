/**
 * Alerting: the rules file ({@link dev.flowpulse.sink.alert.AlertRules}), pure evaluation over a
 * snapshot of the topology's window aggregates ({@link dev.flowpulse.sink.alert.AlertEvaluator},
 * {@link dev.flowpulse.sink.alert.WindowView}), and delivery to Alertmanager's v2 API
 * ({@link dev.flowpulse.sink.alert.AlertNotifier}, {@link dev.flowpulse.sink.alert.AlertmanagerClient})
 * with state kept in an {@link dev.flowpulse.sink.alert.AlertStateStore}. {@link
 * dev.flowpulse.sink.alert.AlertingService} runs the loop. See {@code sink/README.md}, "Alerting".
 */
package dev.flowpulse.sink.alert;
