package dev.flowpulse.sink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowpulse.contract.Json;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flows and deployments the topology has seen, with their Prefect ids: what the info gauges
 * serve. Fed by a {@link CompactedTopicReader} over the finished-runs topic ({@code FinishedFlowRun},
 * 30 days of finishes) and the in-progress topic ({@code InProgressRun}); both carry the run's
 * {@code workspace}, {@code flow}, {@code deployment} and {@code work_pool} as {@code {id, name}}.
 * The latest record wins (a deployment moved to another pool shows the new one); tombstones are
 * ignored: a flow does not vanish when its run finishes.
 *
 * <p>Thread safe: the reader thread writes, scrapes read.
 */
final class RunCatalog implements CompactedTopicReader.Handler {

    /** A flow of a workspace, by name. */
    record FlowKey(String workspace, String flow) {}

    /** A deployment of a flow of a workspace, by names. */
    record DeploymentKey(String workspace, String flow, String deployment) {}

    /** What is known about a deployment besides its names. */
    record DeploymentInfo(String deploymentId, String flowId, String workPool) {}

    private final Map<FlowKey, String> flows = new ConcurrentHashMap<>();
    private final Map<DeploymentKey, DeploymentInfo> deployments = new ConcurrentHashMap<>();
    private static final Logger log = LoggerFactory.getLogger(RunCatalog.class);

    private final AtomicLong rejected = new AtomicLong();
    private final AtomicBoolean rejectLogged = new AtomicBoolean();
    private final String finishedRunsTopic;
    private final SinkDeadLetters deadLetters;

    /** Without dead letters (tests). */
    RunCatalog() {
        this("", SinkDeadLetters.discarding());
    }

    RunCatalog(String finishedRunsTopic, SinkDeadLetters deadLetters) {
        this.finishedRunsTopic = finishedRunsTopic;
        this.deadLetters = deadLetters;
    }

    @Override
    public void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return;
        }
        try {
            JsonNode run = Json.mapper().readTree(record.value());
            String workspace = run.path("workspace").asText("");
            JsonNode flow = run.path("flow");
            JsonNode deployment = run.path("deployment");
            String flowName = flow.path("name").asText("");
            if (flowName.isEmpty()) {
                reject(record, "missing-field", "the run has no flow name");
                return;
            }
            flows.put(new FlowKey(workspace, flowName), flow.path("id").asText(""));
            String deploymentName = deployment.path("name").asText("");
            if (!deploymentName.isEmpty()) {
                deployments.put(
                        new DeploymentKey(workspace, flowName, deploymentName),
                        new DeploymentInfo(
                                deployment.path("id").asText(""),
                                flow.path("id").asText(""),
                                run.path("work_pool").path("name").asText("")));
            }
        } catch (IOException e) {
            reject(record, "malformed-json", "the value is not JSON");
        }
    }

    @Override
    public void corrupt(TopicPartition partition, long offset, String detail) {
        rejected.incrementAndGet();
        if (partition.topic().equals(finishedRunsTopic)) {
            deadLetters.sendCorrupt(partition, offset);
        }
    }

    /**
     * Counts it, logs the first, and sets aside records of the finished-runs topic (bad records of
     * the in-progress topic are set aside by the window reader, which reads that topic too).
     */
    private void reject(ConsumerRecord<byte[], byte[]> record, String reason, String detail) {
        rejected.incrementAndGet();
        if (rejectLogged.compareAndSet(false, true)) {
            log.warn(
                    "Skipping a record of {} (partition {}, offset {}) for the info gauges: {}; later ones are only"
                            + " counted",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    detail);
        }
        if (record.topic().equals(finishedRunsTopic)) {
            deadLetters.send(record, reason, detail);
        }
    }

    @Override
    public String caughtUpSummary() {
        return ": " + flows.size() + " flows, " + deployments.size() + " deployments";
    }

    Map<FlowKey, String> flows() {
        return Map.copyOf(flows);
    }

    Map<DeploymentKey, DeploymentInfo> deployments() {
        return Map.copyOf(deployments);
    }

    /** Records that were not a readable run (counted in {@code flowpulse_sink_catalog_records_rejected_total}). */
    long rejected() {
        return rejected.get();
    }
}
