package dev.flowpulse.streams.serde;

import static dev.flowpulse.streams.serde.BinarySerde.readCounts;
import static dev.flowpulse.streams.serde.BinarySerde.readInstant;
import static dev.flowpulse.streams.serde.BinarySerde.readNullableDouble;
import static dev.flowpulse.streams.serde.BinarySerde.readString;
import static dev.flowpulse.streams.serde.BinarySerde.readStringMap;
import static dev.flowpulse.streams.serde.BinarySerde.readStrings;
import static dev.flowpulse.streams.serde.BinarySerde.readType;
import static dev.flowpulse.streams.serde.BinarySerde.writeCounts;
import static dev.flowpulse.streams.serde.BinarySerde.writeInstant;
import static dev.flowpulse.streams.serde.BinarySerde.writeNullableDouble;
import static dev.flowpulse.streams.serde.BinarySerde.writeString;
import static dev.flowpulse.streams.serde.BinarySerde.writeStringMap;
import static dev.flowpulse.streams.serde.BinarySerde.writeStrings;
import static dev.flowpulse.streams.serde.BinarySerde.writeType;

import dev.flowpulse.contract.DurationHistogram;
import dev.flowpulse.contract.FinishedFlowRun;
import dev.flowpulse.contract.FlowRunEvent;
import dev.flowpulse.contract.ResourceRef;
import dev.flowpulse.contract.WindowStats;
import dev.flowpulse.streams.run.RunHistory;
import dev.flowpulse.streams.run.RunTimers;
import dev.flowpulse.streams.run.SeenState;
import dev.flowpulse.streams.window.WindowContribution;
import dev.flowpulse.streams.window.WindowContributions;
import dev.flowpulse.streams.window.WindowGroup;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The binary formats of the topology's internal records: the per-run store ({@link RunHistory}),
 * the window store ({@link WindowStats}) and the records of the window and finished-totals
 * repartition topics. Each format
 * starts with its version byte (1); changing a format means a new version and a new application
 * id (streams/README.md, "Upgrading"). Output topics are JSON and do not use these.
 *
 * <p>Stateless and thread safe.
 */
public final class InternalSerdes {

    public static final BinarySerde<RunHistory> RUN_HISTORY =
            BinarySerde.of(RunHistory.class, 1, InternalSerdes::writeHistory, InternalSerdes::readHistory);
    public static final BinarySerde<WindowStats> WINDOW_STATS =
            BinarySerde.of(WindowStats.class, 1, InternalSerdes::writeStats, InternalSerdes::readStats);
    public static final BinarySerde<WindowGroup> WINDOW_GROUP =
            BinarySerde.of(WindowGroup.class, 1, InternalSerdes::writeGroup, InternalSerdes::readGroup);
    public static final BinarySerde<WindowContribution> WINDOW_CONTRIBUTION = BinarySerde.of(
            WindowContribution.class, 1, InternalSerdes::writeContribution, InternalSerdes::readContribution);
    /**
     * The batches of the window repartition (version 2); version 1, a single contribution, is what
     * an earlier release wrote there, read as a batch of one.
     */
    public static final BinarySerde<WindowContributions> WINDOW_CONTRIBUTIONS = BinarySerde.of(
                    WindowContributions.class, 2, InternalSerdes::writeContributions, InternalSerdes::readContributions)
            .readingAlso(1, in -> WindowContributions.of(readContribution(in)));
    /**
     * State entries of one series counted in a batch: 8 bytes (a long); the empty value an earlier
     * release wrote for each entry reads as one.
     */
    public static final Serde<Long> STATE_ENTRY_COUNT = Serdes.serdeFrom(
            new LongSerializer(),
            (topic, data) ->
                    data == null ? null : data.length == 0 ? 1L : new LongDeserializer().deserialize(topic, data));

    public static final BinarySerde<FinishedFlowRun> FINISHED_RUN =
            BinarySerde.of(FinishedFlowRun.class, 1, InternalSerdes::writeFinish, InternalSerdes::readFinish);

    private InternalSerdes() {}

    static void writeHistory(DataOutputStream out, RunHistory h) throws IOException {
        out.writeInt(h.states().size());
        for (SeenState s : h.states()) {
            writeString(out, s.eventId());
            writeType(out, s.type());
            writeString(out, s.name());
            writeInstant(out, s.occurred());
            out.writeInt(s.runCount());
            writeType(out, s.previousType());
            writeString(out, s.follows());
            out.writeBoolean(s.finishPublished());
        }
        out.writeBoolean(h.labels() != null);
        if (h.labels() != null) {
            writeEvent(out, h.labels());
        }
        writeInstant(out, h.firstRunning());
        out.writeInt(h.trimmedStates());
        out.writeDouble(h.trimmedRunTimeSeconds());
        out.writeInt(h.trimmedRunningEntries());
        out.writeInt(h.trimmedTerminals());
        out.writeBoolean(h.stuck());
        out.writeBoolean(h.inProgressPublished());
        out.writeLong(h.timers().settleDueMs());
        out.writeLong(h.timers().stuckDueMs());
        out.writeLong(h.timers().purgeDueMs());
    }

    static RunHistory readHistory(DataInputStream in) throws IOException {
        int size = in.readInt();
        List<SeenState> states = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            states.add(new SeenState(
                    readString(in),
                    readType(in),
                    readString(in),
                    readInstant(in),
                    in.readInt(),
                    readType(in),
                    readString(in),
                    in.readBoolean()));
        }
        FlowRunEvent labels = in.readBoolean() ? readEvent(in) : null;
        return new RunHistory(
                states,
                labels,
                readInstant(in),
                in.readInt(),
                in.readDouble(),
                in.readInt(),
                in.readInt(),
                in.readBoolean(),
                in.readBoolean(),
                new RunTimers(in.readLong(), in.readLong(), in.readLong()));
    }

    static void writeEvent(DataOutputStream out, FlowRunEvent e) throws IOException {
        writeString(out, e.workspace());
        writeString(out, e.eventId());
        writeString(out, e.flowRunId());
        writeString(out, e.flowRunName());
        writeType(out, e.stateType());
        writeString(out, e.stateName());
        writeInstant(out, e.occurred());
        writeInstant(out, e.received());
        out.writeInt(e.runCount());
        writeType(out, e.previousType());
        writeString(out, e.follows());
        writeRef(out, e.flow());
        writeRef(out, e.deployment());
        writeRef(out, e.workQueue());
        writeRef(out, e.workPool());
        writeStrings(out, e.tags());
    }

    static FlowRunEvent readEvent(DataInputStream in) throws IOException {
        return new FlowRunEvent(
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readType(in),
                readString(in),
                readInstant(in),
                readInstant(in),
                in.readInt(),
                readType(in),
                readString(in),
                readRef(in),
                readRef(in),
                readRef(in),
                readRef(in),
                readStrings(in));
    }

    static void writeFinish(DataOutputStream out, FinishedFlowRun f) throws IOException {
        writeString(out, f.workspace());
        writeString(out, f.flowRunId());
        writeString(out, f.flowRunName());
        writeRef(out, f.flow());
        writeRef(out, f.deployment());
        writeRef(out, f.workPool());
        writeStrings(out, f.tags());
        writeType(out, f.stateType());
        writeString(out, f.stateName());
        writeInstant(out, f.startTime());
        writeInstant(out, f.endTime());
        writeInstant(out, f.terminalTime());
        writeNullableDouble(out, f.totalRunTimeSeconds());
        out.writeDouble(f.knownRunTimeSeconds());
        out.writeInt(f.runCount());
        out.writeInt(f.finishNumber());
    }

    static FinishedFlowRun readFinish(DataInputStream in) throws IOException {
        return new FinishedFlowRun(
                readString(in),
                readString(in),
                readString(in),
                readRef(in),
                readRef(in),
                readRef(in),
                readStrings(in),
                readType(in),
                readString(in),
                readInstant(in),
                readInstant(in),
                readInstant(in),
                readNullableDouble(in),
                in.readDouble(),
                in.readInt(),
                in.readInt());
    }

    static void writeStats(DataOutputStream out, WindowStats s) throws IOException {
        writeCounts(out, s.stateCounts());
        writeCounts(out, s.stateNameCounts());
        writeCounts(out, s.finishedCounts());
        out.writeLong(s.retries());
        DurationHistogram d = s.durations();
        out.writeLong(d.count());
        out.writeDouble(d.sumSeconds());
        out.writeInt(d.counts().length);
        for (long c : d.counts()) {
            out.writeLong(c);
        }
        writeNullableDouble(out, s.minDurationSeconds());
        writeNullableDouble(out, s.maxDurationSeconds());
        out.writeLong(s.unknownDurationCount());
        out.writeBoolean(s.closed());
    }

    static WindowStats readStats(DataInputStream in) throws IOException {
        var stateCounts = readCounts(in);
        var nameCounts = readCounts(in);
        var finishedCounts = readCounts(in);
        long retries = in.readLong();
        long count = in.readLong();
        double sum = in.readDouble();
        long[] buckets = new long[in.readInt()];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = in.readLong();
        }
        return new WindowStats(
                stateCounts,
                nameCounts,
                finishedCounts,
                retries,
                new DurationHistogram(count, sum, buckets),
                readNullableDouble(in),
                readNullableDouble(in),
                in.readLong(),
                in.readBoolean());
    }

    /** The label map generically (whatever labels a dimension has), entries in key order. */
    static void writeGroup(DataOutputStream out, WindowGroup g) throws IOException {
        writeString(out, g.workspace());
        writeString(out, g.dimension());
        writeStringMap(out, g.group());
    }

    static WindowGroup readGroup(DataInputStream in) throws IOException {
        return new WindowGroup(readString(in), readString(in), readStringMap(in));
    }

    static void writeContribution(DataOutputStream out, WindowContribution c) throws IOException {
        writeString(out, c.flowRunId());
        out.writeLong(c.occurredMs());
        writeType(out, c.stateType());
        writeString(out, c.stateName());
        out.writeBoolean(c.retry());
        writeType(out, c.finishedType());
        writeNullableDouble(out, c.durationSeconds());
    }

    static void writeContributions(DataOutputStream out, WindowContributions batch) throws IOException {
        out.writeInt(batch.values().size());
        for (WindowContribution c : batch.values()) {
            writeContribution(out, c);
        }
    }

    static WindowContributions readContributions(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("negative count");
        }
        List<WindowContribution> values = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            values.add(readContribution(in));
        }
        return new WindowContributions(values);
    }

    static WindowContribution readContribution(DataInputStream in) throws IOException {
        return new WindowContribution(
                readString(in),
                in.readLong(),
                readType(in),
                readString(in),
                in.readBoolean(),
                readType(in),
                readNullableDouble(in));
    }

    private static void writeRef(DataOutputStream out, ResourceRef r) throws IOException {
        writeString(out, r.id());
        writeString(out, r.name());
    }

    private static ResourceRef readRef(DataInputStream in) throws IOException {
        return new ResourceRef(readString(in), readString(in));
    }
}
