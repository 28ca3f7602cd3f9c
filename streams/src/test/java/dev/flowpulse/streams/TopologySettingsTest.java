package dev.flowpulse.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TopologySettingsTest {

    private static Duration checkIntervalFor(Duration settleTimeout) {
        TopologySettings d = TopologySettings.defaults();
        return new TopologySettings(
                        d.windowSize(),
                        d.windowGrace(),
                        d.runStateRetention(),
                        d.purgeInterval(),
                        d.maxStatesPerRun(),
                        settleTimeout)
                .settleCheckInterval();
    }

    @Test
    void shouldCheckPendingFinishesEveryQuarterOfTheTimeoutAtMostEveryTenSeconds() {
        assertThat(TopologySettings.defaults().settleCheckInterval())
                .isEqualTo(Duration.ofSeconds(10)); // 2 min / 4 = 30 s
        assertThat(checkIntervalFor(Duration.ofSeconds(20))).isEqualTo(Duration.ofSeconds(5));
        assertThat(checkIntervalFor(Duration.ofMillis(2))).isEqualTo(Duration.ofMillis(1)); // 0.5 ms, at least 1 ms
    }
}
