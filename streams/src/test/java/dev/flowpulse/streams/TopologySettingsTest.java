package dev.flowpulse.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologySettingsTest {

    @Test
    void shouldDefaultToTheIssuesWindowsAndThresholds() {
        TopologySettings d = TopologySettings.defaults();

        assertThat(d.windowSizes()).containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1));
        assertThat(d.hopSize()).isEqualTo(Duration.ofMinutes(15));
        assertThat(d.hopAdvance()).isEqualTo(Duration.ofMinutes(1));
        assertThat(d.windowGrace()).isEqualTo(Duration.ofHours(2));
        assertThat(d.tagPrefixes()).containsExactly("team:");
        assertThat(d.finishSettleTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(d.stuckAfter()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void shouldUseADeploymentsOwnStuckThreshold() {
        TopologySettings s =
                TopologySettings.defaults().withStuckAfter(Duration.ofHours(1), Map.of("nightly", Duration.ofHours(4)));

        assertThat(s.stuckAfter("nightly")).isEqualTo(Duration.ofHours(4));
        assertThat(s.stuckAfter("hourly-sync")).isEqualTo(Duration.ofHours(1));
        assertThat(s.stuckAfter("")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void shouldRejectAHoppingWindowThatIsNotAMultipleOfItsAdvance() {
        TopologySettings d = TopologySettings.defaults();
        assertThatThrownBy(() -> new TopologySettings(
                        d.windowSizes(),
                        Duration.ofMinutes(15),
                        Duration.ofMinutes(2),
                        d.windowGrace(),
                        d.tagPrefixes(),
                        d.windowUpdateInterval(),
                        d.runStateRetention(),
                        d.maxStatesPerRun(),
                        d.finishSettleTimeout(),
                        d.stuckAfter(),
                        Map.of(),
                        d.timerInterval()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
