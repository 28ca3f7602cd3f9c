package dev.flowpulse.streams.time;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Pipeline time: event time read, plus wall-clock time only while nothing is read. */
class PipelineClockTest {

    @Test
    void shouldFollowTheEventTimeOfABacklogWhateverTheWallClock() {
        // A backlog read over 10 min of wall clock, its events 1 s apart in event time.
        PipelineClock clock = new PipelineClock(Long.MIN_VALUE, 0);
        for (int i = 0; i < 600; i++) {
            clock.observe(1_000_000L + i * 1_000L, i * 1_000L);
        }
        assertThat(clock.nowMs(599_000L)).isEqualTo(1_599_000L);
    }

    @Test
    void shouldAddWallClockTimeWhileIdle() {
        PipelineClock clock = new PipelineClock(Long.MIN_VALUE, 0);
        clock.observe(1_000_000L, 5_000L);

        assertThat(clock.nowMs(65_000L)).isEqualTo(1_060_000L);
    }

    @Test
    void shouldNotGoBackForALateRecordButRestartTheIdleTime() {
        PipelineClock clock = new PipelineClock(Long.MIN_VALUE, 0);
        clock.observe(1_000_000L, 0L);

        assertThat(clock.observe(500_000L, 10_000L)).isFalse();
        assertThat(clock.eventTimeMs()).isEqualTo(1_000_000L);
        assertThat(clock.nowMs(10_000L)).isEqualTo(1_000_000L);
    }

    @Test
    void shouldResumeFromTheStoredEventTimeWithTheIdleTimeCountedFromTheRestart() {
        // After a 10-minute outage the restored clock does not count the outage.
        PipelineClock restored = new PipelineClock(1_000_000L, 600_000L);

        assertThat(restored.nowMs(600_000L)).isEqualTo(1_000_000L);
        assertThat(new PipelineClock(Long.MIN_VALUE, 0).nowMs(1_000L)).isEqualTo(Long.MIN_VALUE);
    }
}
