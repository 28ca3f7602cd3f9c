package dev.flowpulse.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.flowpulse.contract.DurationHistogram;
import dev.flowpulse.contract.FinishedSeries;
import dev.flowpulse.contract.FinishedTotal;
import dev.flowpulse.contract.FlowRunEvent;
import dev.flowpulse.contract.FlowRunEventParser;
import dev.flowpulse.contract.ParsedEvent;
import dev.flowpulse.contract.SeriesLabels;
import dev.flowpulse.contract.StateSeries;
import dev.flowpulse.testkit.PrefectSamples;

/**
 * Series keys derived from the real Prefect samples: the labels are what the topology would take
 * from these events ({@code etl-orders} / {@code hourly-sync} / {@code k8s-prod}). "Ad hoc" events
 * are the same samples without their deployment, work-queue and work-pool related resources, as
 * Prefect emits them for a flow called directly from Python: those labels are empty.
 */
final class SampleSeries {

    /** The workspace every sample series is in (ingest's {@code flowpulse.workspace} header). */
    static final String WORKSPACE = "prod";

    private SampleSeries() {}

    static FlowRunEvent deployed(String stateName) {
        return parse(PrefectSamples.event(stateName));
    }

    static FlowRunEvent adHoc(String stateName) {
        JsonNode event = PrefectSamples.event(stateName);
        ArrayNode related = (ArrayNode) event.get("related");
        for (int i = related.size() - 1; i >= 0; i--) {
            String role = related.get(i).path("prefect.resource.role").asText();
            if (role.equals("deployment") || role.equals("work-pool") || role.equals("work-queue")) {
                related.remove(i);
            }
        }
        return parse(event);
    }

    static StateSeries state(FlowRunEvent e) {
        return new StateSeries(SeriesLabels.of(e), e.stateType(), e.stateName());
    }

    static FinishedSeries finished(FlowRunEvent e) {
        return new FinishedSeries(SeriesLabels.of(e), e.stateType());
    }

    static DurationHistogram durations(double... seconds) {
        DurationHistogram h = DurationHistogram.empty();
        for (double s : seconds) {
            h = h.plus(s);
        }
        return h;
    }

    /**
     * The fixed table behind the golden exposition file: a deployed flow with runs in several
     * states, and an ad-hoc run of the same flow with empty deployment and work-pool labels.
     */
    static TotalsTable goldenTable() {
        TotalsTable table = new TotalsTable();
        table.putStateCount(state(deployed("Scheduled")), 5);
        table.putStateCount(state(deployed("Pending")), 4);
        table.putStateCount(state(deployed("Running")), 4);
        table.putStateCount(state(deployed("Completed")), 3);
        table.putStateCount(state(deployed("Failed")), 1);
        table.putStateCount(state(adHoc("Running")), 1);
        table.putStateCount(state(adHoc("Completed")), 1);
        table.putFinished(finished(deployed("Completed")), durations(0.5, 42.0, 42.0, 3600.5));
        // two failures, one of them with an unknown duration: finished_total 2, the histogram's count 1
        table.putFinished(
                finished(deployed("Failed")), new FinishedTotal(finished(deployed("Failed")), durations(90.25), 1));
        table.putFinished(finished(adHoc("Completed")), durations(7.0));
        return table;
    }

    private static FlowRunEvent parse(JsonNode event) {
        ParsedEvent parsed = FlowRunEventParser.parse(event, WORKSPACE);
        if (parsed instanceof ParsedEvent.StateChange change) {
            return change.event();
        }
        throw new IllegalStateException("Sample is not a state change: " + parsed);
    }
}
