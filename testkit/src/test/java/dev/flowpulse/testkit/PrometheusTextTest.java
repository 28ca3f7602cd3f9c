package dev.flowpulse.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void shouldReadLabelsIncludingEmptyAndEscapedValues() {
        List<PrometheusText.Sample> samples = PrometheusText.parse("""
                # HELP x_total Things.
                # TYPE x_total counter
                x_total{a="",b="q\\"uote",c="x,y"} 3.0
                up 1
                h_bucket{le="+Inf"} 7
                """);

        assertThat(samples).hasSize(3);
        assertThat(PrometheusText.value(samples, "x_total", PrometheusText.labels("a", "", "b", "q\"uote", "c", "x,y")))
                .contains(3.0);
        assertThat(PrometheusText.value(samples, "up", PrometheusText.labels())).contains(1.0);
        assertThat(PrometheusText.named(samples, "h_bucket").get(0).labels()).containsEntry("le", "+Inf");
    }
}
