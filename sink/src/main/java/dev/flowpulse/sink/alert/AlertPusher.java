package dev.flowpulse.sink.alert;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Delivers alerts to one Alertmanager; {@link AlertmanagerClient} over HTTP, a fake in tests. */
@FunctionalInterface
public interface AlertPusher {

    /** Starts one push; the future never completes exceptionally, every failure is an outcome. */
    CompletableFuture<PushOutcome> push(AlertmanagerTarget target, List<PostableAlert> alerts);
}
