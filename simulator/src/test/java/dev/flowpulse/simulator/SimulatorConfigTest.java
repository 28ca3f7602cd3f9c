package dev.flowpulse.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowpulse.contract.ConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulatorConfigTest {

    @Test
    void shouldUseDefaultsForAnEmptyEnvironment() {
        SimulatorConfig config = SimulatorConfig.fromEnv(Map.of());

        assertThat(config.port()).isEqualTo(4200);
        assertThat(config.seed()).isEqualTo(42);
        assertThat(config.runsPerSecond()).isEqualTo(2.0);
        assertThat(config.authString()).isNull();
        assertThat(config.backfillWindow()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        assertThatThrownBy(() -> SimulatorConfig.fromEnv(Map.of(
                        "FLOWPULSE_SIMULATOR_PORT", "http",
                        "FLOWPULSE_SIMULATOR_SEED", "x",
                        "FLOWPULSE_SIMULATOR_RUNS_PER_SECOND", "-1")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(3));
    }

    @Test
    void shouldNeverPrintTheAuthString() {
        SimulatorConfig config = SimulatorConfig.fromEnv(Map.of("PREFECT_SERVER_API_AUTH_STRING", "admin:s3cret"));

        assertThat(config.authString().reveal()).isEqualTo("admin:s3cret");
        assertThat(config.toString()).doesNotContain("s3cret");
    }
}
