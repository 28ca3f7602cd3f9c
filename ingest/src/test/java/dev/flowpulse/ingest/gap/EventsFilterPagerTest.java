package dev.flowpulse.ingest.gap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowpulse.testkit.PrefectSamples;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class EventsFilterPagerTest {

    @Test
    void shouldAskForFlowRunStateEventsAscendingWithPrefectsFieldNames() {
        JsonNode body = EventsFilterPager.request(
                Instant.parse("2026-05-04T09:00:00Z"), Instant.parse("2026-05-04T10:00:00.123456789Z"));

        assertThat(body.toString())
                .isEqualTo("{\"filter\":{\"occurred\":{\"since\":\"2026-05-04T09:00:00Z\","
                        + "\"until\":\"2026-05-04T10:00:00.123456Z\"},"
                        + "\"event\":{\"prefix\":[\"prefect.flow-run.\"],"
                        + "\"exclude_prefix\":[\"prefect.flow-run.heartbeat\",\"prefect.flow-run.pull-step\"]},"
                        + "\"order\":\"ASC\"},\"limit\":50}");
    }

    @Test
    void shouldTakeOnlyTheTokenFromTheServersNextPageLink() {
        JsonNode page1 = PrefectSamples.json("rest/events-filter-response-page1.json");
        String nextPage = page1.get("next_page").asText();
        assertThat(nextPage).startsWith("http://prefect.internal.example:4200/api/events/filter/next?page-token=");

        String token = EventsFilterPager.pageToken(nextPage).orElseThrow();

        // The sample token decodes (base64 of base64) to the paging parameters.
        String inner = new String(Base64.getDecoder().decode(token), StandardCharsets.US_ASCII);
        String parameters = new String(Base64.getDecoder().decode(inner), StandardCharsets.UTF_8);
        assertThat(parameters).contains("\"offset\"", "\"page_size\"", "\"filter\"");
        assertThat(EventsFilterPager.nextPath(token)).startsWith("/events/filter/next?page-token=");
    }

    @Test
    void shouldKeepPlusSignsOfTheTokenAndEncodeThem() {
        String token = EventsFilterPager.pageToken("http://h/api/events/filter/next?page-token=ab+c/d==&x=1")
                .orElseThrow();

        assertThat(token).isEqualTo("ab+c/d==");
        assertThat(EventsFilterPager.nextPath(token)).isEqualTo("/events/filter/next?page-token=ab%2Bc%2Fd%3D%3D");
        assertThat(EventsFilterPager.pageToken("http://h/api/events/filter/next?page-token=ab%2Bc"))
                .contains("ab+c");
    }

    @Test
    void shouldSeeTheLastPage() {
        assertThat(EventsFilterPager.pageToken(null)).isEmpty();
        assertThat(EventsFilterPager.pageToken("")).isEmpty();
        assertThat(EventsFilterPager.pageToken("http://h/api/events/filter/next"))
                .isEmpty();
        JsonNode page2 = PrefectSamples.json("rest/events-filter-next-response-page2.json");
        assertThat(page2.get("next_page").isNull()).isTrue();
    }
}
