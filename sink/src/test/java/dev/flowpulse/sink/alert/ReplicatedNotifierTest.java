package dev.flowpulse.sink.alert;

import static dev.flowpulse.sink.alert.AlertNotifierTest.AM1;
import static dev.flowpulse.sink.alert.AlertNotifierTest.RATIO;
import static dev.flowpulse.sink.alert.AlertNotifierTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.runtime.Backoff;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two notifiers (two sink replicas) on one shared log of alert states, as {@link
 * KafkaAlertStateStore} gives them: each adopts what the other records, neither re-fires what the
 * other resolved while its own view lags by an evaluation, and either alone carries on.
 */
class ReplicatedNotifierTest {

    final MutableClock clock = new MutableClock(T0);
    final SharedLog log = new SharedLog();
    final AlertNotifierTest.FakePusher pusherA = new AlertNotifierTest.FakePusher();
    final AlertNotifierTest.FakePusher pusherB = new AlertNotifierTest.FakePusher();

    /** An append-only log of state records; each replica's store reads what the others appended. */
    static final class SharedLog {
        final List<AlertStateStore.Change> records = new ArrayList<>();

        AlertStateStore store() {
            return new AlertStateStore() {
                int read = records.size();
                final Map<Map<String, String>, Integer> own = new LinkedHashMap<>();

                @Override
                public Map<Map<String, String>, AlertState> load() {
                    Map<Map<String, String>, AlertState> states = new LinkedHashMap<>();
                    for (AlertStateStore.Change c : records) {
                        if (c.state() == null) {
                            states.remove(c.labels());
                        } else {
                            states.put(c.labels(), c.state());
                        }
                    }
                    read = records.size();
                    return states;
                }

                @Override
                public void put(AlertState state) {
                    append(state.labels(), state);
                }

                @Override
                public void remove(Map<String, String> labels) {
                    append(labels, null);
                }

                private void append(Map<String, String> labels, AlertState state) {
                    own.put(labels, records.size());
                    records.add(new AlertStateStore.Change(labels, state));
                }

                @Override
                public List<AlertStateStore.Change> changes() {
                    List<AlertStateStore.Change> out = new ArrayList<>();
                    for (; read < records.size(); read++) {
                        AlertStateStore.Change c = records.get(read);
                        if (read > own.getOrDefault(c.labels(), -1)) {
                            out.add(c);
                        }
                    }
                    return out;
                }
            };
        }
    }

    AlertNotifier replica(AlertNotifierTest.FakePusher pusher) {
        AlertMetrics metrics =
                new AlertMetrics(new SimpleMeterRegistry(), List.of(AM1), List.of("DeploymentFailureRatioHigh"));
        Backoff backoff = new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(60), AlertNotifierTest.MIDDLE_JITTER);
        return new AlertNotifier(List.of(AM1), pusher, log.store(), Duration.ofMinutes(1), backoff, metrics, clock);
    }

    @Test
    void shouldSendTheFirstWritersStartsAtFromBothReplicas() {
        AlertNotifier a = replica(pusherA);
        AlertNotifier b = replica(pusherB);

        a.update(List.of(RATIO));
        clock.advance(Duration.ofSeconds(3));
        b.update(List.of(RATIO));

        assertThat(pusherB.to(AM1))
                .singleElement()
                .satisfies(p -> assertThat(p.startsAt()).isEqualTo(T0.toString()));
        assertThat(b.states()).isEqualTo(a.states());
        assertThat(log.records).hasSize(1); // b agreed: nothing rewritten
    }

    @Test
    void shouldNotRefireWhatTheOtherResolvedWhileOneEvaluationBehind() {
        AlertNotifier a = replica(pusherA);
        AlertNotifier b = replica(pusherB);
        bLagsBehindAResolve(a, b); // b must not re-fire a new episode
        clock.advance(Duration.ofSeconds(10));
        b.update(List.of()); // b catches up
        a.update(List.of());

        assertThat(pusherB.to(AM1))
                .as("b only ever sent a's episode: startsAt T0")
                .allSatisfy(p -> assertThat(p.startsAt()).isEqualTo(T0.toString()));
        assertThat(pusherB.to(AM1))
                .as("b followed its own firing push with the resolve a delivered, and then sent nothing")
                .hasSize(2)
                .last()
                .satisfies(
                        p -> assertThat(p.endsAt()).isEqualTo(T0.plusSeconds(10).toString()));
        assertThat(pusherA.to(AM1))
                .last()
                .satisfies(
                        p -> assertThat(p.endsAt()).isEqualTo(T0.plusSeconds(10).toString()));
        assertThat(log.records.stream()
                        .filter(c -> c.state() != null && c.state().firing()))
                .as("one firing record: no flapping")
                .hasSize(1);
        assertThat(a.states()).isEmpty();
        assertThat(b.states()).isEmpty();
    }

    @Test
    void shouldNotResolveWhatTheOtherFiredWhileOneEvaluationBehind() {
        AlertNotifier a = replica(pusherA);
        AlertNotifier b = replica(pusherB);
        a.update(List.of(RATIO));
        clock.advance(Duration.ofSeconds(1));

        b.update(List.of()); // b's view does not have the failures yet
        clock.advance(Duration.ofSeconds(10));
        b.update(List.of(RATIO)); // now it has

        assertThat(log.records).as("no resolve written, nothing rewritten").hasSize(1);
        assertThat(pusherB.to(AM1)).allSatisfy(p -> {
            assertThat(p.startsAt()).isEqualTo(T0.toString());
            assertThat(p.endsAt()).isNotEqualTo(T0.plusSeconds(1).toString());
        });
        assertThat(b.states()).isEqualTo(a.states());
    }

    @Test
    void shouldResolveAfterItsOwnFiringPushThatLandedAfterTheOthersResolve() {
        AlertNotifier a = replica(pusherA);
        AlertNotifier b = replica(pusherB);
        a.update(List.of(RATIO));
        pusherB.pending = new java.util.concurrent.CompletableFuture<>();
        b.flush(); // b sends the firing alert it adopted: slow, still in flight ...
        clock.advance(Duration.ofSeconds(10));
        a.update(List.of()); // ... while a resolves it, delivers the resolve and removes it

        pusherB.pending.complete(PushOutcome.SUCCESS); // b's firing push lands after a's resolve
        pusherB.pending = null;
        clock.advance(Duration.ofSeconds(1));
        b.flush(); // b adopts a's resolve and removal

        assertThat(pusherA.to(AM1))
                .last()
                .satisfies(
                        p -> assertThat(p.endsAt()).isEqualTo(T0.plusSeconds(10).toString()));
        assertThat(pusherB.to(AM1))
                .as("b's last word is a's resolve, sent after its late firing push")
                .hasSize(2)
                .last()
                .satisfies(p -> assertThat(p.startsAt()).isEqualTo(T0.toString()))
                .satisfies(
                        p -> assertThat(p.endsAt()).isEqualTo(T0.plusSeconds(10).toString()));
        assertThat(b.states()).as("delivered, then forgotten").isEmpty();
        assertThat(log.records.stream()
                        .filter(c -> c.state() != null && c.state().firing()))
                .as("one firing record")
                .hasSize(1);
    }

    /** Both fire; then a sees the condition end and b, one evaluation behind, still sees it hold. */
    private void bLagsBehindAResolve(AlertNotifier a, AlertNotifier b) {
        a.update(List.of(RATIO));
        b.update(List.of(RATIO));
        clock.advance(Duration.ofSeconds(10));
        a.update(List.of());
        b.update(List.of(RATIO));
    }

    @Test
    void shouldRefireWhenItsOwnEvaluationDisagreesTwiceInARow() {
        AlertNotifier a = replica(pusherA);
        AlertNotifier b = replica(pusherB);
        bLagsBehindAResolve(a, b);
        clock.advance(Duration.ofSeconds(10));

        b.update(List.of(RATIO)); // still firing for b: a new episode from b

        assertThat(b.states().get(RATIO.labels()))
                .satisfies(s -> assertThat(s.firing()).isTrue())
                .satisfies(s -> assertThat(s.startsAt()).isEqualTo(T0.plusSeconds(20)));
        a.update(List.of(RATIO)); // a agrees with b's new episode: adopted, not rewritten
        assertThat(a.states()).isEqualTo(b.states());
    }

    @Test
    void shouldKeepResendingAndResolveTheOthersAlertOnceTheOtherIsGone() {
        AlertNotifier a = replica(pusherA);
        AlertNotifier b = replica(pusherB);
        a.update(List.of(RATIO));
        b.flush(); // b is not caught up yet: it only adopts and sends what is recorded
        assertThat(pusherB.to(AM1)).hasSize(1);

        clock.advance(Duration.ofMinutes(1)); // a is gone
        b.update(List.of(RATIO));
        assertThat(pusherB.to(AM1)).hasSize(2);
        clock.advance(Duration.ofSeconds(10));
        b.update(List.of());

        assertThat(pusherB.to(AM1))
                .last()
                .satisfies(p -> assertThat(p.startsAt()).isEqualTo(T0.toString()))
                .satisfies(
                        p -> assertThat(p.endsAt()).isEqualTo(T0.plusSeconds(70).toString()));
        assertThat(log.records).last().satisfies(c -> assertThat(c.state()).isNull());
    }

    @Test
    void shouldNotOverwriteTheOthersPrefectLinkWithNothing() {
        Alert linked = new Alert(RATIO.labels(), RATIO.annotations(), "http://prefect:4200/deployments/deployment/d1");
        AlertNotifier a = replica(pusherA);
        AlertNotifier b = replica(pusherB);
        a.update(List.of(linked));
        clock.advance(Duration.ofSeconds(10));

        b.update(List.of(RATIO)); // b has not seen the deployment's id
        a.update(List.of(linked));

        assertThat(log.records).hasSize(1);
        assertThat(pusherB.to(AM1))
                .singleElement()
                .satisfies(p -> assertThat(p.generatorUrl()).isEqualTo(linked.generatorUrl()));
    }
}
