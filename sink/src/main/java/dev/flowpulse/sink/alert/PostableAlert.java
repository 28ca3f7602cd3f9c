package dev.flowpulse.sink.alert;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * One element of the JSON array {@code POST /api/v2/alerts} takes (Alertmanager's
 * {@code postableAlert}): timestamps are RFC 3339 text, {@code generatorURL} is left out when
 * empty (Alertmanager answers 422 to a value that is not a URI). Immutable.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record PostableAlert(
        @JsonProperty("labels") Map<String, String> labels,
        @JsonProperty("annotations") Map<String, String> annotations,
        @JsonProperty("startsAt") String startsAt,
        @JsonProperty("endsAt") String endsAt,
        @JsonProperty("generatorURL") String generatorUrl) {}
