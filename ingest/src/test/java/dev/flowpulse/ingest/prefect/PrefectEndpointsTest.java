package dev.flowpulse.ingest.prefect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowpulse.contract.Json;
import dev.flowpulse.contract.Secret;
import dev.flowpulse.testkit.PrefectSamples;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PrefectEndpointsTest {

    private static PrefectEndpoints endpoints(String apiUrl, String apiKey, String authString) {
        return new PrefectEndpoints(URI.create(apiUrl), Secret.ofNullable(apiKey), Secret.ofNullable(authString));
    }

    @Test
    void shouldDeriveTheSelfHostedSocketUrl() {
        assertThat(endpoints("http://127.0.0.1:4200/api", null, null).eventsOutUrl())
                .isEqualTo(URI.create("ws://127.0.0.1:4200/api/events/out"));
    }

    @Test
    void shouldUseWssForHttps() {
        assertThat(endpoints("https://prefect.example.com/api", null, null).eventsOutUrl())
                .isEqualTo(URI.create("wss://prefect.example.com/api/events/out"));
    }

    @Test
    void shouldDeriveTheCloudWorkspaceSocketUrl() {
        assertThat(endpoints("https://api.prefect.cloud/api/accounts/a1/workspaces/w2", "pnu_x", null)
                        .eventsOutUrl())
                .isEqualTo(URI.create("wss://api.prefect.cloud/api/accounts/a1/workspaces/w2/events/out"));
    }

    @Test
    void shouldStripATrailingSlash() {
        assertThat(endpoints("http://prefect:4200/api/", null, null).eventsOutUrl())
                .isEqualTo(URI.create("ws://prefect:4200/api/events/out"));
    }

    @Test
    void shouldKeepABasePath() {
        assertThat(endpoints("https://tools.example.com/prefect/api", null, null)
                        .eventsOutUrl())
                .isEqualTo(URI.create("wss://tools.example.com/prefect/api/events/out"));
    }

    @Test
    void shouldAuthenticateSelfHostedRestWithBasicAuthOfTheAuthString() {
        String expected = "Basic " + Base64.getEncoder().encodeToString("admin:pass".getBytes(StandardCharsets.UTF_8));
        assertThat(endpoints("http://prefect:4200/api", null, "admin:pass").authorizationHeader())
                .contains(expected);
    }

    @Test
    void shouldAuthenticateCloudRestWithABearerKey() {
        assertThat(endpoints("https://api.prefect.cloud/api/accounts/a/workspaces/w", "pnu_key", null)
                        .authorizationHeader())
                .contains("Bearer pnu_key");
    }

    @Test
    void shouldPreferTheAuthStringWhenBothAreSet() {
        PrefectEndpoints both = endpoints("http://prefect:4200/api", "pnu_key", "admin:pass");
        assertThat(both.authorizationHeader())
                .hasValueSatisfying(h -> assertThat(h).startsWith("Basic "));
        assertThat(both.authToken()).contains("admin:pass");
    }

    @Test
    void shouldSendNoHeaderWithoutCredentials() {
        assertThat(endpoints("http://prefect:4200/api", null, null).authorizationHeader())
                .isEmpty();
    }

    @Test
    void shouldSendTheRawAuthStringAsWebsocketToken() throws Exception {
        JsonNode sent = Json.prefect()
                .readTree(
                        endpoints("http://prefect:4200/api", null, "admin:pass").authMessage());
        assertThat(sent).isEqualTo(PrefectSamples.json("websocket/01-auth.json"));
        assertThat(sent)
                .isEqualTo(PrefectSamples.json("websocket/auth-message-variants.json")
                        .get("self_hosted_with_auth_string"));
    }

    @Test
    void shouldSendTheApiKeyAsCloudWebsocketToken() throws Exception {
        JsonNode variants = PrefectSamples.json("websocket/auth-message-variants.json");
        String key = variants.at("/prefect_cloud_api_key/token").asText();
        JsonNode sent = Json.prefect()
                .readTree(endpoints("https://api.prefect.cloud/api/accounts/a/workspaces/w", key, null)
                        .authMessage());
        assertThat(sent).isEqualTo(variants.get("prefect_cloud_api_key"));
    }

    @Test
    void shouldSendANullTokenWithoutCredentials() throws Exception {
        JsonNode sent = Json.prefect()
                .readTree(endpoints("http://prefect:4200/api", null, null).authMessage());
        assertThat(sent)
                .isEqualTo(PrefectSamples.json("websocket/auth-message-variants.json")
                        .get("self_hosted_no_auth_string"));
        assertThat(sent.get("token").isNull()).isTrue();
    }

    @Test
    void shouldRedactEveryCredentialForm() {
        PrefectEndpoints both = endpoints("http://prefect:4200/api", "pnu_key", "admin:pass");
        String base64 = Base64.getEncoder().encodeToString("admin:pass".getBytes(StandardCharsets.UTF_8));

        assertThat(both.redact("token admin:pass, key pnu_key, header " + base64))
                .isEqualTo("token ****, key ****, header ****");
        assertThat(both.toString()).doesNotContain("admin:pass", "pnu_key");
    }
}
