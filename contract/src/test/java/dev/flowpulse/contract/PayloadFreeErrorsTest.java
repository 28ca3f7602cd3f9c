package dev.flowpulse.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Error messages end up in logs and dead-letter headers: they name what failed, never the input. */
class PayloadFreeErrorsTest {

    private static final String SECRET = "pnu_s3cr3t-token-in-payload";

    @Test
    void shouldNotQuoteTheInputWhenAnEventIsNotJson() {
        byte[] garbage = ("{\"event\": " + SECRET + "}").getBytes(StandardCharsets.UTF_8);

        ParsedEvent parsed = FlowRunEventParser.parse(garbage, "ws");

        assertThat(parsed).isInstanceOfSatisfying(ParsedEvent.Rejected.class, rejected -> {
            assertThat(rejected.reason()).isEqualTo(FlowRunEventParser.MALFORMED_JSON);
            assertThat(rejected.detail()).doesNotContain(SECRET).contains("line 1");
        });
    }

    @Test
    void shouldNotQuoteTheInputWhenATimestampIsBad() {
        String event = new String(
                        dev.flowpulse.testkit.PrefectSamples.bytes("events/flow-run-Running.json"),
                        StandardCharsets.UTF_8)
                .replaceFirst("\"occurred\": \"[^\"]+\"", "\"occurred\": \"" + SECRET + "\"");
        assertThat(event).contains(SECRET);

        ParsedEvent parsed = FlowRunEventParser.parse(event.getBytes(StandardCharsets.UTF_8), "ws");

        assertThat(parsed).isInstanceOfSatisfying(ParsedEvent.Rejected.class, rejected -> {
            assertThat(rejected.reason()).isEqualTo(FlowRunEventParser.BAD_TIMESTAMP);
            assertThat(rejected.detail()).doesNotContain(SECRET);
        });
    }

    @Test
    void shouldNotQuoteTheInputWhenARecordCannotBeDeserialized() {
        JsonSerde<StateTotal> serde = JsonSerde.of(StateTotal.class);
        byte[] garbage = ("{\"count\": " + SECRET + "}").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> serde.deserialize("flowpulse.state-totals", garbage))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("StateTotal")
                .hasMessageNotContaining(SECRET)
                .satisfies(e -> assertThat(e.getCause())
                        .as("Jackson's exception quotes the input: it is not chained, since handlers log causes")
                        .isNull());
    }
}
