package dev.flowpulse.sink;

import io.prometheus.metrics.model.snapshots.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides the labels each source series of one family is served under, so that a flood of ad-hoc
 * flow names or custom state names cannot take Prometheus down. In order:
 * <ol>
 *   <li>labels not in {@link SeriesLimits#labels()} are dropped (series differing only there are summed);</li>
 *   <li>values refused by the allow/deny patterns become {@code __overflow__};</li>
 *   <li>the first {@code maxSeries} distinct label sets get a series of their own; every later one
 *       is folded into the overflow series: every label {@code __overflow__} except
 *       {@code state_type}, so a family has at most {@code maxSeries} + one overflow series per state type.</li>
 * </ol>
 * The collector sums the values of all sources routed to the same labels, so totals still add up
 * exactly. A route never changes while the sink runs: a series once folded stays folded, so the
 * overflow series never goes backwards. Which series are folded may differ after a restart
 * (topic order); the overflow series then restarts from its new sum like any counter reset.
 *
 * <p>Thread safe: routes are looked up lock-free; new routes are decided under a lock.
 */
final class CardinalityGuard {

    private final SeriesLimits limits;
    private final Map<Object, Labels> routes = new ConcurrentHashMap<>();
    private final Set<Labels> served = ConcurrentHashMap.newKeySet();
    private final AtomicLong folded = new AtomicLong();
    private int own;

    CardinalityGuard(SeriesLimits limits) {
        this.limits = limits;
    }

    /**
     * The labels {@code source} is served under. {@code namesAndValues} are its full labels
     * (name, value, name, value, ...) and must be the same for the same source.
     */
    Labels route(Object source, String... namesAndValues) {
        Labels known = routes.get(source);
        return known != null ? known : decide(source, namesAndValues);
    }

    private synchronized Labels decide(Object source, String[] namesAndValues) {
        Labels known = routes.get(source);
        if (known != null) {
            return known;
        }
        List<String> shaped = new ArrayList<>(namesAndValues.length);
        boolean refused = false;
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String name = namesAndValues[i];
            String value = namesAndValues[i + 1];
            if (SeriesLimits.OPTIONAL_LABELS.contains(name)) {
                if (!limits.labels().contains(name)) {
                    continue;
                }
                String v = limits.shape(name, value);
                refused |= !v.equals(value);
                value = v;
            }
            shaped.add(name);
            shaped.add(value);
        }
        Labels target = Labels.of(shaped.toArray(String[]::new));
        if (!served.contains(target)) {
            if (own < limits.maxSeries()) {
                own++;
            } else {
                target = overflow(shaped);
                refused = true;
            }
        }
        served.add(target);
        if (refused) {
            folded.incrementAndGet();
        }
        routes.put(source, target);
        return target;
    }

    private static Labels overflow(List<String> shaped) {
        String[] result = shaped.toArray(String[]::new);
        for (int i = 0; i < result.length; i += 2) {
            if (SeriesLimits.OPTIONAL_LABELS.contains(result[i])) {
                result[i + 1] = SeriesLimits.OVERFLOW;
            }
        }
        return Labels.of(result);
    }

    /** Source series served under other labels than their own because of the patterns or the cap. */
    long folded() {
        return folded.get();
    }

    /** Distinct series this family serves. */
    int servedSeries() {
        return served.size();
    }
}
