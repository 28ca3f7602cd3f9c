package dev.flowpulse.streams.window;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.flowpulse.contract.Json;
import dev.flowpulse.contract.LateRecord;
import dev.flowpulse.contract.StateType;
import dev.flowpulse.contract.WindowKey;
import dev.flowpulse.contract.WindowStats;
import dev.flowpulse.streams.StreamsCounters;
import dev.flowpulse.streams.TopologySettings;
import dev.flowpulse.streams.run.FlowRunStateProcessor;
import dev.flowpulse.streams.state.HotValues;
import dev.flowpulse.streams.time.PipelineClock;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Event-time windows, closed by pipeline time: every contribution updates the tumbling window of
 * each configured size that contains its {@code occurred}; a window closes (its final result is
 * emitted once, then it is dropped) when the task's pipeline time passes its end plus the grace.
 * A contribution for a window that has closed is refused, counted and forwarded as a late record.
 * Because closing follows the event time this task has read (not the wall clock, and not a window
 * store's retention relative to stream time), a backlog replayed in one burst, a first start's
 * lookback or a gap fill lands in the same windows as live delivery, as long as it is no older than
 * the grace.
 *
 * <p>The hopping view (size {@code hopSize}, advancing by {@code hopAdvance}) is not kept per
 * record: it is the sum of its {@code hopAdvance}-sized slices, computed when an update is
 * published and when the hopping window closes. Closed slices are kept until the last hopping
 * window containing them has closed.
 *
 * <p>Store layout ({@code window-aggregates}, time-ordered string keys, values {@link WindowStats}):
 * {@code o|<end ms>|<size s>|<group>} open windows, {@code k|<end ms>|<group>} closed slices kept
 * for hopping windows, {@code h|<end ms>|<group>} hopping windows due to close. The
 * {@code window-updates-due} store holds the task's event time and close mark. The open windows changed
 * since the last update publication are kept in memory only: after a restart (or a task revival)
 * every open window counts as changed, so the first publication republishes them all (an update is
 * the window's whole current value, so a repeated one changes nothing downstream). Every punctuation reads only what is due,
 * in order, at most {@link #MAX_PER_PUNCTUATION} entries of each kind (the rest waits for the next one).
 *
 * <p>One instance per task, driven by that task's stream thread only.
 */
public final class WindowAggregator implements Processor<WindowGroup, WindowContribution, String, WindowOutput> {

    public static final String CLOCK_KEY = "~event-time";
    public static final String CLOSED_KEY = "~closed-until";
    /** Every hopping window ending by this mark has been finalized (due store). */
    public static final String HOP_CLOSED_KEY = "~hop-closed-until";

    static final int MAX_PER_PUNCTUATION = 10_000;
    /** Deserialized windows kept in memory: the open windows of the recent event time of every group. */
    static final int HOT_WINDOWS = 20_000;

    private final int maxPerPunctuation;
    private final String aggregateStoreName;
    private final String dueStoreName;
    private final TopologySettings settings;
    private final StreamsCounters counters;
    private final List<Long> sizesMs;
    private final TreeSet<Long> publishedSizesMs = new TreeSet<>();
    /**
     * Store-key text of the groups seen lately and their latest open-window key per size (bounded:
     * cleared when full); groups are few and hot, and most contributions of a group fall in the
     * windows of its previous one, whose key strings (and their hashes) are then reused.
     */
    private final Map<WindowGroup, GroupKeys> groupKeys = new BoundedCache<>();

    private final Map<String, WindowGroup> parsedGroups = new BoundedCache<>();
    private final long advanceMs;
    private final long hopMs;
    private ProcessorContext<String, WindowOutput> context;
    private KeyValueStore<String, WindowStats> windows;
    /** The open windows in use, deserialized (every write goes through to {@link #windows}). */
    private HotValues<String, WindowStats> hot;

    /** The task's event time and close mark. */
    private KeyValueStore<String, String> due;
    /**
     * The open windows changed since their last update publication, in store-key (time) order; not
     * persisted: {@link #init} marks every open window changed.
     */
    private final java.util.TreeSet<String> dueOpen = new java.util.TreeSet<>();
    /**
     * The closed slices kept for the hopping windows not finalized yet, by slice end: the groups
     * of each end. Not persisted: {@link #init} reads them back (every {@code o|} slice ending by
     * the close mark).
     */
    private final java.util.TreeMap<Long, java.util.Set<String>> keptSlices = new java.util.TreeMap<>();

    private boolean staleDueChecked;
    private boolean loaded;
    /** Closed slices and hopping marks of the earlier layout ({@code k|}, {@code h|}) are in the store. */
    private boolean legacyLayout;
    /** Closed windows in the store that no hopping window needs (the hopping view was turned off). */
    private final List<String> staleClosed = new ArrayList<>();
    /**
     * After a migration of the earlier layout: the first end with hopping windows left to finalize
     * (its bounded close may have stopped within an end) and the groups left at that end.
     */
    private long legacyPendingEnd = Long.MIN_VALUE;

    private final java.util.Set<String> legacyPendingGroups = new java.util.HashSet<>();

    private PipelineClock clock;
    private long closedUntilMs;
    /** Every hopping window ending by this time is finalized; {@code Long.MIN_VALUE}: none yet. */
    private long hopClosedUntilMs;
    /** The value of {@link #HOP_CLOSED_KEY} in the store. */
    private long storedHopClosedUntilMs;

    public WindowAggregator(
            String aggregateStoreName, String dueStoreName, TopologySettings settings, StreamsCounters counters) {
        this(aggregateStoreName, dueStoreName, settings, counters, MAX_PER_PUNCTUATION);
    }

    /** With another bound per punctuation: tests draw a timeline that hits it with a few windows. */
    WindowAggregator(
            String aggregateStoreName,
            String dueStoreName,
            TopologySettings settings,
            StreamsCounters counters,
            int maxPerPunctuation) {
        if (maxPerPunctuation < 1) {
            throw new IllegalArgumentException("at least one window per punctuation");
        }
        this.maxPerPunctuation = maxPerPunctuation;
        this.aggregateStoreName = aggregateStoreName;
        this.dueStoreName = dueStoreName;
        this.settings = settings;
        this.counters = counters;
        TreeSet<Long> sizes = new TreeSet<>();
        settings.windowSizes().forEach(size -> {
            sizes.add(size.toMillis());
            publishedSizesMs.add(size.toMillis());
        });
        this.hopMs = settings.hopping() ? settings.hopSize().toMillis() : 0L;
        this.advanceMs = settings.hopping() ? settings.hopAdvance().toMillis() : 0L;
        if (settings.hopping()) {
            sizes.add(advanceMs);
        }
        this.sizesMs = List.copyOf(sizes);
    }

    @Override
    public void init(ProcessorContext<String, WindowOutput> context) {
        this.context = context;
        this.windows = context.getStateStore(aggregateStoreName);
        this.hot = new HotValues<>(windows, HOT_WINDOWS);
        this.due = context.getStateStore(dueStoreName);
        loaded = false;
        context.schedule(settings.windowUpdateInterval(), PunctuationType.WALL_CLOCK_TIME, this::publish);
    }

    /**
     * Reads the task's window state back once after each init, at its first record or punctuation
     * rather than in init: the stores are the same then, and whatever was written to them before
     * counts (a test seeds an earlier version's layout that way).
     */
    private void ensureLoaded() {
        if (loaded) {
            return;
        }
        loaded = true;
        this.dueOpen.clear();
        this.keptSlices.clear();
        this.staleClosed.clear();
        this.legacyPendingEnd = Long.MIN_VALUE;
        this.legacyPendingGroups.clear();
        staleDueChecked = false;
        String eventTime = due.get(CLOCK_KEY);
        clock = new PipelineClock(
                eventTime == null ? Long.MIN_VALUE : Long.parseLong(eventTime), context.currentSystemTimeMs());
        closedUntilMs = longOrMin(due.get(CLOSED_KEY));
        hopClosedUntilMs = longOrMin(due.get(HOP_CLOSED_KEY));
        storedHopClosedUntilMs = hopClosedUntilMs;
        // Every open window counts as changed after a (re)start: its update is published again. The
        // windows ending by the close mark are the closed slices kept for hopping windows.
        try (KeyValueIterator<String, WindowStats> it = windows.range("o|", "o|~")) {
            while (it.hasNext()) {
                String key = it.next().key;
                long end = endOf(key);
                String[] parts = key.split("\\|", 4);
                if (end > closedUntilMs) {
                    dueOpen.add(key);
                } else if (hopMs > 0 && Long.parseLong(parts[2]) * 1000 == advanceMs) {
                    keepSlice(end, parts[3]);
                } else {
                    staleClosed.add(key);
                }
            }
        }
        try (KeyValueIterator<String, WindowStats> it = windows.range("h|", "k|~")) {
            legacyLayout = it.hasNext();
        }
    }

    @Override
    public void process(Record<WindowGroup, WindowContribution> record) {
        ensureLoaded();
        WindowContribution c = record.value();
        if (clock.observe(c.occurredMs(), context.currentSystemTimeMs())) {
            due.put(CLOCK_KEY, Long.toString(clock.eventTimeMs()));
        }
        GroupKeys keys = groupKeys.computeIfAbsent(record.key(), g -> new GroupKeys(groupText(g), sizesMs.size()));
        for (int i = 0; i < sizesMs.size(); i++) {
            long sizeMs = sizesMs.get(i);
            long start = Math.floorDiv(c.occurredMs(), sizeMs) * sizeMs;
            long end = start + sizeMs;
            if (end <= closedUntilMs) {
                refuseLate(record.key(), c, start, end, sizeMs);
                continue;
            }
            String key = keys.openKey(i, end, sizeMs);
            WindowStats stats = hot.get(key);
            hot.put(key, c.addTo(stats == null ? WindowStats.empty() : stats));
            markDue(key);
        }
    }

    /**
     * Closes what is due by pipeline time, then publishes the updates of changed open windows. The
     * hopping windows close behind the close mark, not behind the threshold: when the bound stopped
     * {@link #closeWindows} early, the slices past the mark are still open, and a hopping window
     * covering one of them must wait for it (else it would be published without it, and again
     * when that slice closes).
     */
    void publish(long wallMs) {
        ensureLoaded();
        if (!staleDueChecked) {
            // Changed-window keys an earlier version kept in the due store (once per init; not in init
            // itself, where the task writes nothing).
            List<String> stale = new ArrayList<>();
            try (KeyValueIterator<String, String> it = due.range("o|", "o|~")) {
                it.forEachRemaining(entry -> stale.add(entry.key));
            }
            stale.forEach(due::delete);
            staleClosed.forEach(hot::delete);
            staleClosed.clear();
            staleDueChecked = true;
        }
        if (legacyLayout) {
            migrateLegacyLayout();
            legacyLayout = false;
        }
        long now = clock.nowMs(wallMs);
        if (now == Long.MIN_VALUE) {
            return;
        }
        closeWindows(now - settings.windowGrace().toMillis());
        if (hopMs > 0 && closedUntilMs != Long.MIN_VALUE) {
            closeHoppingWindows(closedUntilMs);
        }
        publishUpdates(wallMs);
    }

    /**
     * Closes the open windows ending by {@code threshold}, in end order, one end at a time: at most
     * {@link #maxPerPunctuation}, never part of an end (a window of a half-closed end, closed and
     * deleted, would be created anew by its next contribution, which the close mark does not refuse,
     * and finalized twice); only when the first due end alone holds more windows than the bound are
     * they all closed (otherwise nothing would ever close). Afterwards every window ending by the
     * close mark is closed, and a contribution to one of them is late.
     */
    private void closeWindows(long threshold) {
        List<KeyValue<String, WindowStats>> closing = new ArrayList<>();
        long carriedEnd = Long.MIN_VALUE;
        // Every window ending by the close mark is closed: what is stored there is kept slices.
        long from = closedUntilMs == Long.MIN_VALUE ? 0 : closedUntilMs + 1;
        if (threshold < from) {
            // Pipeline time stood still or stepped back (a record older than its idle part): nothing
            // new is due, and a reversed range would make the store log a WARN on every punctuation.
            return;
        }
        try (KeyValueIterator<String, WindowStats> it =
                windows.range(prefix("o", from), prefix("o", threshold) + "~")) {
            while (it.hasNext() && closing.size() < maxPerPunctuation) {
                closing.add(it.next());
            }
            if (it.hasNext()) {
                carriedEnd = endOf(it.peekNextKey());
            }
        }
        long closedThrough = threshold;
        if (carriedEnd != Long.MIN_VALUE) {
            // Carried to the next punctuation: the end the bound cut into, and every end after it.
            long cut = carriedEnd;
            closing.removeIf(window -> endOf(window.key) == cut);
            if (closing.isEmpty()) {
                closing.addAll(openWindowsEndingAt(cut));
                closedThrough = cut;
            } else {
                closedThrough = cut - 1;
            }
        }
        for (KeyValue<String, WindowStats> window : closing) {
            String[] parts = window.key.split("\\|", 4);
            long end = Long.parseLong(parts[1]);
            long sizeMs = Long.parseLong(parts[2]) * 1000;
            WindowGroup group = parsedGroups.computeIfAbsent(parts[3], WindowAggregator::parseGroup);
            dueOpen.remove(window.key);
            if (publishedSizesMs.contains(sizeMs)) {
                forward(WindowOutput.Kind.FINAL, group, end - sizeMs, end, sizeMs, sizeMs, window.value.asClosed());
            }
            if (hopMs > 0 && sizeMs == advanceMs) {
                // Kept where it is, under its open-window key, until its last hopping window closes.
                keepSlice(end, parts[3]);
            } else {
                hot.delete(window.key);
            }
        }
        if (closedThrough > closedUntilMs) {
            closedUntilMs = closedThrough;
            due.put(CLOSED_KEY, Long.toString(closedUntilMs));
        }
    }

    /**
     * Closes the hopping windows ending by {@code closedThrough} (the close mark: every slice they
     * cover is closed and refuses contributions), one end at a time, in end order, until at least
     * {@link #maxPerPunctuation} are finalized; the rest wait for the next punctuation. A hopping
     * window exists for a group when one of its slices does; it is finalized once: the hopping
     * close mark moves past its end, and is stored with the deletion of the slice it was the last
     * to need, in the same transaction.
     */
    private void closeHoppingWindows(long closedThrough) {
        int closed = 0;
        while (closed < maxPerPunctuation && !keptSlices.isEmpty()) {
            long firstSliceEnd = keptSlices.firstKey();
            // The next end with a hopping window: the first one after the mark that covers a slice.
            long end = hopClosedUntilMs == Long.MIN_VALUE
                    ? firstSliceEnd
                    : Math.max(firstSliceEnd, hopClosedUntilMs + advanceMs);
            if (end > closedThrough) {
                break;
            }
            java.util.Set<String> groups = new java.util.TreeSet<>();
            keptSlices.subMap(end - hopMs, false, end, true).values().forEach(groups::addAll);
            if (end == legacyPendingEnd) {
                groups.retainAll(legacyPendingGroups);
                legacyPendingGroups.clear();
            }
            for (String group : groups) {
                forward(
                        WindowOutput.Kind.FINAL,
                        parsedGroups.computeIfAbsent(group, WindowAggregator::parseGroup),
                        end - hopMs,
                        end,
                        hopMs,
                        advanceMs,
                        hopSum(end, group, true));
                closed++;
            }
            // The slices ending by the window's first slice end are needed by no later hopping window.
            java.util.SortedMap<Long, java.util.Set<String>> done = keptSlices.headMap(end - hopMs + advanceMs, true);
            done.forEach((sliceEnd, sliceGroups) ->
                    sliceGroups.forEach(group -> hot.delete(openKey(sliceEnd, advanceMs, group))));
            done.clear();
            hopClosedUntilMs = end;
        }
        if (keptSlices.isEmpty() && closedThrough > hopClosedUntilMs) {
            // Nothing kept: every hopping window ending by the close mark is final (it has no slice).
            hopClosedUntilMs = Math.floorDiv(closedThrough, advanceMs) * advanceMs;
        }
        if (hopClosedUntilMs != storedHopClosedUntilMs) {
            due.put(HOP_CLOSED_KEY, Long.toString(hopClosedUntilMs));
            storedHopClosedUntilMs = hopClosedUntilMs;
        }
    }

    /**
     * Rewrites the layout of an earlier version once: its closed slices ({@code k|}) back under
     * their window keys, its hopping marks ({@code h|}) dropped; the hopping close mark becomes the
     * end before its first mark ending by the close mark (the hopping windows it had not finalized
     * yet), or the close mark.
     */
    private void migrateLegacyLayout() {
        List<KeyValue<String, WindowStats>> slices = new ArrayList<>();
        try (KeyValueIterator<String, WindowStats> it = windows.range("k|", "k|~")) {
            it.forEachRemaining(slices::add);
        }
        List<String> marks = new ArrayList<>();
        try (KeyValueIterator<String, WindowStats> it = windows.range("h|", "h|~")) {
            it.forEachRemaining(entry -> marks.add(entry.key));
        }
        long firstPending = Long.MAX_VALUE;
        for (String mark : marks) {
            long end = endOf(mark);
            if (end <= closedUntilMs) {
                firstPending = Math.min(firstPending, end);
            }
        }
        for (String mark : marks) {
            if (endOf(mark) == firstPending) {
                legacyPendingGroups.add(mark.split("\\|", 3)[2]);
            }
            windows.delete(mark);
        }
        legacyPendingEnd = firstPending == Long.MAX_VALUE ? Long.MIN_VALUE : firstPending;
        for (KeyValue<String, WindowStats> slice : slices) {
            if (hopMs == 0) {
                hot.delete(slice.key);
                continue;
            }
            long end = endOf(slice.key);
            String group = slice.key.split("\\|", 3)[2];
            hot.put(openKey(end, advanceMs, group), slice.value);
            hot.delete(slice.key);
            keepSlice(end, group);
        }
        if (hopMs > 0 && closedUntilMs != Long.MIN_VALUE) {
            hopClosedUntilMs = firstPending != Long.MAX_VALUE
                    ? firstPending - advanceMs
                    : Math.floorDiv(closedUntilMs, advanceMs) * advanceMs;
        }
    }

    /**
     * The updates of the changed open windows, except those of windows that ended more than the grace
     * before the wall clock: the pipeline is replaying or catching up on them, it closes them as soon
     * as its time passes their end plus the grace, and their final result supersedes any update. No
     * live view shows them meanwhile (the newest the sink shows ends at the wall clock; its longest
     * alert windows take such windows from their final results).
     */
    private void publishUpdates(long wallMs) {
        dueOpen.headSet(prefix("o", wallMs - settings.windowGrace().toMillis())).clear();
        List<String> changed = new ArrayList<>();
        java.util.Iterator<String> it = dueOpen.iterator();
        while (it.hasNext() && changed.size() < maxPerPunctuation) {
            changed.add(it.next());
            it.remove();
        }
        for (String key : changed) {
            WindowStats stats = hot.get(key);
            if (stats == null) {
                continue;
            }
            String[] parts = key.split("\\|", 4);
            long end = Long.parseLong(parts[1]);
            long sizeMs = Long.parseLong(parts[2]) * 1000;
            WindowGroup group = parsedGroups.computeIfAbsent(parts[3], WindowAggregator::parseGroup);
            if (publishedSizesMs.contains(sizeMs)) {
                forward(WindowOutput.Kind.UPDATE, group, end - sizeMs, end, sizeMs, sizeMs, stats);
            }
            if (hopMs > 0 && sizeMs == advanceMs) {
                forward(
                        WindowOutput.Kind.UPDATE,
                        group,
                        end - hopMs,
                        end,
                        hopMs,
                        advanceMs,
                        hopSum(end, parts[3], false));
            }
        }
    }

    private void markDue(String key) {
        dueOpen.add(key);
    }

    private void keepSlice(long endMs, String group) {
        if (hopMs > 0) {
            keptSlices.computeIfAbsent(endMs, e -> new java.util.HashSet<>()).add(group);
        }
    }

    /** The hopping window ending at {@code end}: the sum of its slices, open or kept. */
    private WindowStats hopSum(long end, String group, boolean closed) {
        StatsSum sum = new StatsSum();
        for (long sliceEnd = end - hopMs + advanceMs; sliceEnd <= end; sliceEnd += advanceMs) {
            WindowStats slice = hot.get(openKey(sliceEnd, advanceMs, group));
            if (slice != null) {
                sum.add(slice);
            }
        }
        return sum.result(closed);
    }

    private void refuseLate(WindowGroup group, WindowContribution c, long start, long end, long sizeMs) {
        String window = Duration.ofMillis(sizeMs).toString();
        counters.lateRecord(LateRecord.WINDOW_STATS, window);
        StateType type = c.isFinish() ? c.finishedType() : c.stateType();
        LateRecord late = new LateRecord(
                LateRecord.WINDOW_STATS,
                LateRecord.WINDOW_CLOSED,
                c.flowRunId(),
                Instant.ofEpochMilli(c.occurredMs()),
                c.isFinish() ? "finish" : "state",
                type,
                c.stateName(),
                group.windowKey(Instant.ofEpochMilli(start), Instant.ofEpochMilli(end), sizeMs / 1000, sizeMs / 1000),
                Instant.ofEpochMilli(closedUntilMs));
        context.forward(new Record<>(
                c.flowRunId(), new WindowOutput(WindowOutput.Kind.LATE, null, null, late), c.occurredMs()));
    }

    private void forward(
            WindowOutput.Kind kind,
            WindowGroup group,
            long startMs,
            long endMs,
            long sizeMs,
            long advanceMs,
            WindowStats stats) {
        WindowKey key = group.windowKey(
                Instant.ofEpochMilli(startMs), Instant.ofEpochMilli(endMs), sizeMs / 1000, advanceMs / 1000);
        // Record time: the window's last instant, so a window's records sort with its event time.
        context.forward(new Record<>("", new WindowOutput(kind, key, stats, null), endMs - 1));
    }

    static String prefix(String kind, long endMs) {
        return kind + "|" + FlowRunStateProcessor.zeroPadded(Math.max(0L, endMs)) + "|";
    }

    static String openKey(long endMs, long sizeMs, String group) {
        return prefix("o", endMs) + (sizeMs / 1000) + "|" + group;
    }

    /** Every open window ending at {@code endMs}, whatever its size and group. */
    private List<KeyValue<String, WindowStats>> openWindowsEndingAt(long endMs) {
        List<KeyValue<String, WindowStats>> all = new ArrayList<>();
        try (KeyValueIterator<String, WindowStats> it = windows.range(prefix("o", endMs), prefix("o", endMs) + "~")) {
            it.forEachRemaining(all::add);
        }
        return all;
    }

    private static long longOrMin(String value) {
        return value == null ? Long.MIN_VALUE : Long.parseLong(value);
    }

    private static long endOf(String key) {
        return Long.parseLong(key.split("\\|", 3)[1]);
    }

    static String groupText(WindowGroup group) {
        try {
            return Json.mapper().writeValueAsString(group);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write a window group", e);
        }
    }

    /** A group's store-key text and the key of the open window it was last updated in, per size. */
    private static final class GroupKeys {
        final String text;
        final long[] ends;
        final String[] keys;

        GroupKeys(String text, int sizes) {
            this.text = text;
            this.ends = new long[sizes];
            this.keys = new String[sizes];
        }

        String openKey(int size, long endMs, long sizeMs) {
            if (keys[size] == null || ends[size] != endMs) {
                ends[size] = endMs;
                keys[size] = WindowAggregator.openKey(endMs, sizeMs, text);
            }
            return keys[size];
        }
    }

    /** A map that forgets everything once it holds {@link #MAX} entries. */
    private static final class BoundedCache<K, V> extends java.util.HashMap<K, V> {
        private static final long serialVersionUID = 1L;
        private static final int MAX = 10_000;

        @Override
        public V computeIfAbsent(K key, java.util.function.Function<? super K, ? extends V> mapping) {
            if (size() >= MAX && !containsKey(key)) {
                clear();
            }
            return super.computeIfAbsent(key, mapping);
        }
    }

    static WindowGroup parseGroup(String text) {
        try {
            return Json.mapper().readValue(text, WindowGroup.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot read a window group", e);
        }
    }
}
