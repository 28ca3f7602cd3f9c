package dev.flowpulse.streams.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A store that holds nothing: it runs its processors' hooks when Kafka Streams is about to commit
 * the task. Before it flushes the producer and commits the transaction, Kafka Streams calls {@link
 * #flushCache()} on every registered store that is a {@link CachedStateStore} ({@code
 * StreamTask.prepareCommit} → {@code StreamTask.flush} → {@code ProcessorStateManager.flushCache},
 * then {@code RecordCollector.flush}); what a hook forwards there is sent inside the transaction
 * that commits the input offsets it came from. Kafka Streams' own record caches forward what they
 * hold at the same point, the same way.
 *
 * <p>Not logged, not persistent: a hook's processor keeps what it has not forwarded in memory, and
 * a crash loses it together with the uncommitted input offsets, which are read again. {@code
 * CachedStateStore} is an interface of Kafka Streams' internals: {@code CommitBatcherTest} checks
 * the hook with the version the parent pom pins, through TopologyTestDriver's commits (the same
 * {@code StreamTask.prepareCommit} path), and {@code StreamsTakeoverIT} the whole topology on a real
 * broker through a crash. Not thread safe: a task's store.
 */
public final class CommitHooks implements StateStore, CachedStateStore<Void, Void> {

    private final String name;
    private final List<Runnable> hooks = new ArrayList<>();
    private volatile boolean open;

    private CommitHooks(String name) {
        this.name = name;
    }

    /** A builder of the store {@code name}, without changelog and without cache. */
    public static StoreBuilder<CommitHooks> builder(String name) {
        return new Builder(name);
    }

    /** Runs {@code hook} before every commit of the task, until the task's processors are closed. */
    public void onCommit(Runnable hook) {
        hooks.add(hook);
    }

    @Override
    public void flushCache() {
        for (Runnable hook : hooks) {
            hook.run();
        }
    }

    @Override
    public void clearCache() {
        // nothing cached
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Void, Void> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public String name() {
        return name;
    }

    /** Registered without a changelog; a (re)initialized task's processors register their hooks anew. */
    @Override
    public void init(StateStoreContext context, StateStore root) {
        hooks.clear();
        context.register(root, (key, value) -> {});
        open = true;
    }

    @Override
    @SuppressWarnings("deprecation")
    public void flush() {
        // nothing stored
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        // nothing stored
    }

    @Override
    public void close() {
        hooks.clear();
        open = false;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return QueryResult.forUnknownQueryType(query, this);
    }

    @Override
    public Position getPosition() {
        return Position.emptyPosition();
    }

    private static final class Builder implements StoreBuilder<CommitHooks> {
        private final String name;

        Builder(String name) {
            this.name = name;
        }

        @Override
        public StoreBuilder<CommitHooks> withCachingEnabled() {
            return this;
        }

        @Override
        public StoreBuilder<CommitHooks> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<CommitHooks> withLoggingEnabled(Map<String, String> config) {
            throw new UnsupportedOperationException("commit hooks hold nothing to log");
        }

        @Override
        public StoreBuilder<CommitHooks> withLoggingDisabled() {
            return this;
        }

        @Override
        public CommitHooks build() {
            return new CommitHooks(name);
        }

        @Override
        public Map<String, String> logConfig() {
            return Map.of();
        }

        @Override
        public boolean loggingEnabled() {
            return false;
        }

        @Override
        public String name() {
            return name;
        }
    }
}
