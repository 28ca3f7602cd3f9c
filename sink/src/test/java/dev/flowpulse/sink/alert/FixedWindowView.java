package dev.flowpulse.sink.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A hand-built {@link WindowView}: what a test says the topology computed, scope by scope and window by window. */
final class FixedWindowView implements WindowView {

    private final Instant asOf;
    private final Collection<Scope> scopes = new LinkedHashSet<>();
    private final Map<Scope, Map<Duration, WindowAggregate>> windows = new HashMap<>();
    private final Map<Scope, List<RunningRun>> running = new HashMap<>();
    private final Map<Scope, Instant> lastCompleted = new HashMap<>();
    private final Map<Scope, Instant> firstSeen = new HashMap<>();

    FixedWindowView(Instant asOf) {
        this.asOf = asOf;
    }

    FixedWindowView window(Scope scope, Duration window, WindowAggregate aggregate) {
        scopes.add(scope);
        windows.computeIfAbsent(scope, s -> new HashMap<>()).put(window, aggregate);
        return this;
    }

    FixedWindowView running(Scope scope, RunningRun run) {
        scopes.add(scope);
        running.computeIfAbsent(scope, s -> new ArrayList<>()).add(run);
        return this;
    }

    FixedWindowView lastCompleted(Scope scope, Instant at) {
        scopes.add(scope);
        lastCompleted.put(scope, at);
        return this;
    }

    FixedWindowView firstSeen(Scope scope, Instant at) {
        scopes.add(scope);
        firstSeen.put(scope, at);
        return this;
    }

    @Override
    public Instant asOf() {
        return asOf;
    }

    @Override
    public Collection<Scope> scopes(ScopeDimension dimension) {
        return scopes.stream().filter(s -> s.dimension() == dimension).toList();
    }

    @Override
    public WindowAggregate window(Scope scope, Duration window) {
        return windows.getOrDefault(scope, Map.of()).getOrDefault(window, WindowAggregate.empty());
    }

    @Override
    public List<RunningRun> running(Scope scope) {
        return running.getOrDefault(scope, List.of());
    }

    @Override
    public Optional<Instant> lastCompleted(Scope scope) {
        return Optional.ofNullable(lastCompleted.get(scope));
    }

    @Override
    public Instant firstSeen(Scope scope) {
        return firstSeen.getOrDefault(scope, asOf);
    }
}
