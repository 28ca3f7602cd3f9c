package dev.flowpulse.sink.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.runtime.Backoff;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class AlertNotifierTest {

    static final Instant T0 = Instant.parse("2026-05-04T10:00:00Z");
    static final AlertmanagerTarget AM1 = AlertmanagerTarget.parse("http://am1:9093");
    static final AlertmanagerTarget AM2 = AlertmanagerTarget.parse("http://am2:9093");
    static final Alert RATIO = new Alert(
            Map.of("alertname", "DeploymentFailureRatioHigh", "deployment", "hourly-sync", "severity", "page"),
            Map.of("summary", "75%"),
            "");

    final MutableClock clock = new MutableClock(T0);
    final FakePusher pusher = new FakePusher();
    final InMemoryAlertStateStore store = new InMemoryAlertStateStore();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** Records every push; answers with the outcome set per Alertmanager (success by default). */
    static final class FakePusher implements AlertPusher {
        final List<Map.Entry<AlertmanagerTarget, List<PostableAlert>>> pushes = new ArrayList<>();
        final Map<AlertmanagerTarget, PushOutcome> outcomes = new HashMap<>();
        CompletableFuture<PushOutcome> pending;

        @Override
        public CompletableFuture<PushOutcome> push(AlertmanagerTarget target, List<PostableAlert> alerts) {
            pushes.add(Map.entry(target, alerts));
            if (pending != null) {
                return pending;
            }
            return CompletableFuture.completedFuture(outcomes.getOrDefault(target, PushOutcome.SUCCESS));
        }

        List<PostableAlert> to(AlertmanagerTarget target) {
            return pushes.stream()
                    .filter(p -> p.getKey().equals(target))
                    .flatMap(p -> p.getValue().stream())
                    .toList();
        }

        long count(AlertmanagerTarget target) {
            return pushes.stream().filter(p -> p.getKey().equals(target)).count();
        }
    }

    /** Full jitter drawn at the middle of its range: the wait is half its ceiling. */
    static final java.util.random.RandomGenerator MIDDLE_JITTER = new java.util.random.RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long bound) {
            return bound / 2;
        }
    };

    AlertNotifier notifier() {
        AlertMetrics metrics = new AlertMetrics(registry, List.of(AM1, AM2), List.of("DeploymentFailureRatioHigh"));
        // jitter fixed at the middle -> the backoff waits exactly half of min(max, initial * 2^(n-1))
        Backoff backoff = new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(60), MIDDLE_JITTER);
        return new AlertNotifier(List.of(AM1, AM2), pusher, store, Duration.ofMinutes(1), backoff, metrics, clock);
    }

    @Test
    void shouldSendANewAlertToEveryAlertmanagerAndResendItEveryInterval() {
        AlertNotifier notifier = notifier();

        notifier.update(List.of(RATIO));

        PostableAlert expected = new PostableAlert(
                RATIO.labels(),
                RATIO.annotations(),
                T0.toString(),
                T0.plusSeconds(240).toString(),
                "");
        assertThat(pusher.to(AM1)).containsExactly(expected);
        assertThat(pusher.to(AM2)).containsExactly(expected);
        assertThat(firing()).isEqualTo(1.0);

        clock.advance(Duration.ofSeconds(59));
        notifier.update(List.of(RATIO));
        assertThat(pusher.pushes).as("nothing changed, resend not due").hasSize(2);

        clock.advance(Duration.ofSeconds(1));
        notifier.update(List.of(RATIO));
        assertThat(pusher.to(AM1))
                .last()
                .isEqualTo(new PostableAlert(
                        RATIO.labels(),
                        RATIO.annotations(),
                        T0.toString(),
                        T0.plusSeconds(300).toString(),
                        ""));
        assertThat(pushes(AM1, "success")).isEqualTo(2.0);
    }

    @Test
    void shouldResendAtOnceWhenAnnotationsChangeKeepingStartsAt() {
        AlertNotifier notifier = notifier();
        notifier.update(List.of(RATIO));
        clock.advance(Duration.ofSeconds(10));

        Alert worse = new Alert(RATIO.labels(), Map.of("summary", "90%"), "");
        notifier.update(List.of(worse));

        assertThat(pusher.to(AM1)).last().satisfies(a -> {
            assertThat(a.annotations()).containsEntry("summary", "90%");
            assertThat(a.startsAt()).isEqualTo(T0.toString());
        });
    }

    @Test
    void shouldResolveWithEndsAtNowAndForgetTheAlertOnceEveryAlertmanagerAcceptedIt() {
        AlertNotifier notifier = notifier();
        notifier.update(List.of(RATIO));
        clock.advance(Duration.ofSeconds(30));

        notifier.update(List.of());

        PostableAlert resolve = new PostableAlert(
                RATIO.labels(),
                RATIO.annotations(),
                T0.toString(),
                T0.plusSeconds(30).toString(),
                "");
        assertThat(pusher.to(AM1)).last().isEqualTo(resolve);
        assertThat(pusher.to(AM2)).last().isEqualTo(resolve);
        assertThat(notifier.states()).isEmpty();
        assertThat(store.load()).isEmpty();
        assertThat(firing()).isZero();

        clock.advance(Duration.ofMinutes(5));
        notifier.update(List.of());
        assertThat(pusher.pushes).as("a delivered resolve is not sent again").hasSize(4);
    }

    @Test
    void shouldRetryAnAlertmanagerThatIsDownWithBackoffWithoutDelayingTheOther() {
        pusher.outcomes.put(AM2, PushOutcome.UNREACHABLE);
        AlertNotifier notifier = notifier();

        notifier.update(List.of(RATIO)); // AM2 fails once: retry in 10 s / 2 = 5 s
        clock.advance(Duration.ofSeconds(4));
        notifier.update(List.of(RATIO));
        assertThat(pusher.count(AM2)).as("still backing off").isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        notifier.update(List.of(RATIO)); // second failure: retry in 20 s / 2 = 10 s
        clock.advance(Duration.ofSeconds(9));
        notifier.flush();
        assertThat(pusher.count(AM2)).isEqualTo(2);

        pusher.outcomes.put(AM2, PushOutcome.SUCCESS); // AM2 is back
        clock.advance(Duration.ofSeconds(1));
        notifier.flush();

        assertThat(pusher.count(AM2)).isEqualTo(3);
        assertThat(pusher.count(AM1))
                .as("AM1 got it once; its resend is not due")
                .isEqualTo(1);
        assertThat(pushes(AM2, "unreachable")).isEqualTo(2.0);
        assertThat(pushes(AM2, "success")).isEqualTo(1.0);
        assertThat(pushes(AM1, "success")).isEqualTo(1.0);
    }

    @Test
    void shouldKeepAResolveUntilTheAlertmanagerThatWasDownAcceptsIt() {
        AlertNotifier notifier = notifier();
        notifier.update(List.of(RATIO));
        pusher.outcomes.put(AM2, PushOutcome.SERVER_ERROR);
        clock.advance(Duration.ofSeconds(30));
        notifier.update(List.of());
        assertThat(notifier.states()).hasSize(1);

        pusher.outcomes.put(AM2, PushOutcome.SUCCESS);
        clock.advance(Duration.ofSeconds(5));
        notifier.flush();

        assertThat(pusher.to(AM2))
                .last()
                .satisfies(
                        a -> assertThat(a.endsAt()).isEqualTo(T0.plusSeconds(30).toString()));
        assertThat(notifier.states()).isEmpty();
    }

    @Test
    void shouldNotPageAgainNorLoseAResolveAfterARestart() {
        Alert other = new Alert(Map.of("alertname", "FlowRunStuck", "deployment", "nightly"), Map.of(), "");
        AlertNotifier first = notifier();
        first.update(List.of(RATIO, other));
        pusher.outcomes.put(AM1, PushOutcome.UNREACHABLE);
        pusher.outcomes.put(AM2, PushOutcome.UNREACHABLE);
        clock.advance(Duration.ofSeconds(30));
        first.update(List.of(RATIO)); // "other" resolves, but neither Alertmanager gets the resolve
        pusher.outcomes.clear();
        pusher.pushes.clear();

        clock.advance(Duration.ofSeconds(30)); // the sink restarts with the same store
        AlertNotifier second = notifier();
        second.update(List.of(RATIO));

        assertThat(pusher.to(AM1))
                .extracting(PostableAlert::labels, PostableAlert::startsAt, PostableAlert::endsAt)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(
                                RATIO.labels(),
                                T0.toString(),
                                T0.plusSeconds(60 + 240).toString()),
                        org.assertj.core.groups.Tuple.tuple(
                                other.labels(),
                                T0.toString(),
                                T0.plusSeconds(30).toString()));
        assertThat(second.states()).containsOnlyKeys(RATIO.labels());
    }

    @Test
    void shouldHaveAtMostOnePushInFlightPerAlertmanager() {
        pusher.pending = new CompletableFuture<>();
        AlertNotifier notifier = notifier();
        notifier.update(List.of(RATIO));
        clock.advance(Duration.ofMinutes(2));
        notifier.update(List.of());
        assertThat(pusher.count(AM1)).isEqualTo(1);

        pusher.pending.complete(PushOutcome.SUCCESS);
        pusher.pending = null;
        notifier.flush();

        assertThat(pusher.count(AM1)).isEqualTo(2);
        assertThat(pusher.to(AM1))
                .last()
                .satisfies(a ->
                        assertThat(a.endsAt()).isEqualTo(T0.plusSeconds(120).toString()));
    }

    private double firing() {
        return registry.get("flowpulse.sink.alerts.firing")
                .tag("alertname", "DeploymentFailureRatioHigh")
                .gauge()
                .value();
    }

    private double pushes(AlertmanagerTarget am, String outcome) {
        return registry.get("flowpulse.sink.alert.pushes")
                .tag("alertmanager", am.label())
                .tag("outcome", outcome)
                .counter()
                .count();
    }
}
