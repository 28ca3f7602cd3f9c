/**
 * Prefect's event websocket → the raw Kafka topic. Start at {@link dev.flowpulse.ingest.IngestService};
 * the module's README describes the protocol, delivery guarantees, configuration and metrics.
 */
package dev.flowpulse.ingest;
