package dev.flowpulse.sink;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cells of ingest's compacted {@code flowpulse.flow-run-history} topic read as a table: the
 * latest value per key, a tombstone deletes the key. The history gauges are sums over the cells
 * held at scrape time, so a cell that is removed takes its runs out of the sums, and a
 * {@code (workspace, state type, state)} whose cells are all gone disappears.
 *
 * <p>Thread safe: one consumer thread writes, scrapes read concurrently (each cell atomically).
 */
public final class HistoryTable {

    /** A record key: one {@code (interval, state)} cell of one workspace's history. */
    public record CellKey(String workspace, Instant intervalStart, String stateType, String stateName) {
        public CellKey {
            Objects.requireNonNull(workspace, "workspace");
            Objects.requireNonNull(intervalStart, "intervalStart");
            Objects.requireNonNull(stateType, "stateType");
            Objects.requireNonNull(stateName, "stateName");
        }
    }

    /** A record value: Prefect's {@code count_runs}, {@code sum_estimated_run_time}, {@code sum_estimated_lateness}. */
    public record Cell(long countRuns, BigDecimal sumEstimatedRunTime, BigDecimal sumEstimatedLateness) {
        public Cell {
            Objects.requireNonNull(sumEstimatedRunTime, "sumEstimatedRunTime");
            Objects.requireNonNull(sumEstimatedLateness, "sumEstimatedLateness");
        }

        Cell plus(Cell other) {
            return new Cell(
                    countRuns + other.countRuns,
                    sumEstimatedRunTime.add(other.sumEstimatedRunTime),
                    sumEstimatedLateness.add(other.sumEstimatedLateness));
        }
    }

    /** The series of the history gauges: the cells' key without the interval. */
    public record Series(String workspace, String stateType, String stateName) {}

    private final Map<CellKey, Cell> cells = new ConcurrentHashMap<>();

    public void put(CellKey key, Cell cell) {
        cells.put(key, cell);
    }

    /** A tombstone. */
    public void remove(CellKey key) {
        cells.remove(key);
    }

    public int size() {
        return cells.size();
    }

    /** Per series, the sum over its cells held now (exact: the decimal sums are added as received). */
    public Map<Series, Cell> sums() {
        Map<Series, Cell> sums = new java.util.HashMap<>();
        for (Map.Entry<CellKey, Cell> e : cells.entrySet()) {
            CellKey k = e.getKey();
            sums.merge(new Series(k.workspace(), k.stateType(), k.stateName()), e.getValue(), Cell::plus);
        }
        return sums;
    }

    /** The keys held, for tests. */
    List<CellKey> keys() {
        return List.copyOf(cells.keySet());
    }
}
