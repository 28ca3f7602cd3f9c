package dev.flowpulse.simulator.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PrefectTimeTest {

    @Test
    void shouldPrintSixDigitFractionsOnlyWhenMicrosAreNonZero() {
        assertThat(PrefectTime.format(Instant.parse("2026-05-04T09:05:00Z"))).isEqualTo("2026-05-04T09:05:00Z");
        assertThat(PrefectTime.format(Instant.parse("2026-05-04T09:05:09.874120Z")))
                .isEqualTo("2026-05-04T09:05:09.874120Z");
        assertThat(PrefectTime.format(Instant.parse("2026-05-04T09:05:09.000000999Z")))
                .isEqualTo("2026-05-04T09:05:09Z");
        assertThat(PrefectTime.isoformat(Instant.parse("2026-05-04T09:05:09.874120Z")))
                .isEqualTo("2026-05-04T09:05:09.874120+00:00");
    }

    @Test
    void shouldParseAnyOffsetAndNaiveTimesAsUtc() {
        Instant expected = Instant.parse("2026-05-04T09:05:09.874120Z");
        assertThat(PrefectTime.parse("2026-05-04T09:05:09.874120+00:00")).isEqualTo(expected);
        assertThat(PrefectTime.parse("2026-05-04T11:05:09.874120+02:00")).isEqualTo(expected);
        assertThat(PrefectTime.parse("2026-05-04T09:05:09.874120")).isEqualTo(expected);
        assertThatThrownBy(() -> PrefectTime.parse("yesterday")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldDumpJsonLikePythonJsonDumps() throws Exception {
        var node = new ObjectMapper().readTree("{\"a\":[1,null,true],\"b\":\"é\\\"\",\"c\":{\"d\":2.5,\"e\":3.0}}");
        assertThat(PythonJson.dumps(node))
                .isEqualTo("{\"a\": [1, null, true], \"b\": \"\\u00e9\\\"\", \"c\": {\"d\": 2.5, \"e\": 3.0}}");
    }
}
