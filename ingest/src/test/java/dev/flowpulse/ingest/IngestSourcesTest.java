package dev.flowpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.contract.ConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestSourcesTest {

    private static final String PROD_KEY = "pnu_prod0123456789abcdefghijklmnopqrstuv";
    private static final String STAGING_AUTH = "admin:staging-s3cr3t";

    private static Map<String, String> twoSources() {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", "broker:9092");
        env.put("FLOWPULSE_SOURCES", "prod, staging-eu");
        env.put(
                "FLOWPULSE_SOURCE_PROD_PREFECT_API_URL",
                "https://api.prefect.cloud/api/accounts/acc-1/workspaces/ws-prod");
        env.put("FLOWPULSE_SOURCE_PROD_PREFECT_API_KEY", PROD_KEY);
        env.put("FLOWPULSE_SOURCE_STAGING_EU_PREFECT_API_URL", "http://prefect-staging:4200/api");
        env.put("FLOWPULSE_SOURCE_STAGING_EU_PREFECT_API_AUTH_STRING", STAGING_AUTH);
        return env;
    }

    private static List<String> problems(Map<String, String> env) {
        try {
            IngestSources.fromEnv(env);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void shouldReadTheSingleSourceVariablesAsOneSourceWhenNoSourcesAreListed() {
        Map<String, String> env = new HashMap<>();
        env.put("PREFECT_API_URL", "http://prefect:4200/api");
        env.put("PREFECT_API_AUTH_STRING", STAGING_AUTH);
        env.put("KAFKA_BOOTSTRAP_SERVERS", "broker:9092");

        IngestSources sources = IngestSources.fromEnv(env);

        assertThat(sources.sources())
                .singleElement()
                .hasToString(IngestConfig.fromEnv(env).toString());
        assertThat(sources.first().workspace()).isEqualTo("prefect:4200");
    }

    @Test
    void shouldReadOneConfigPerNamedSourceWithItsOwnUrlCredentialAndWorkspace() {
        IngestSources sources = IngestSources.fromEnv(twoSources());

        assertThat(sources.sources()).hasSize(2);
        IngestConfig prod = sources.sources().get(0);
        IngestConfig staging = sources.sources().get(1);
        assertThat(prod.workspace()).isEqualTo("prod");
        assertThat(prod.cloud()).isTrue();
        assertThat(prod.apiKey().reveal()).isEqualTo(PROD_KEY);
        assertThat(prod.authString()).isNull();
        assertThat(staging.workspace()).isEqualTo("staging-eu");
        assertThat(staging.apiUrl()).isEqualTo(URI.create("http://prefect-staging:4200/api"));
        assertThat(staging.apiKey()).isNull();
        assertThat(staging.authString().reveal()).isEqualTo(STAGING_AUTH);
        assertThat(prod.kafka()).isEqualTo(staging.kafka());
    }

    @Test
    void shouldLetPerSourceSettingsOverrideTheSharedOnesAndInheritTheRest() {
        Map<String, String> env = twoSources();
        env.put("FLOWPULSE_INGEST_LOOKBACK", "1h");
        env.put("FLOWPULSE_HISTORY_RANGE", "12h");
        env.put("FLOWPULSE_SOURCE_STAGING_EU_INGEST_LOOKBACK", "2h");
        env.put("FLOWPULSE_SOURCE_STAGING_EU_HISTORY_ENABLED", "false");
        env.put("FLOWPULSE_SOURCE_PROD_WORKSPACE", "acme-prod");

        List<IngestConfig> sources = IngestSources.fromEnv(env).sources();

        assertThat(sources.get(0).workspace()).isEqualTo("acme-prod");
        assertThat(sources.get(0).lookback()).isEqualTo(Duration.ofHours(1));
        assertThat(sources.get(0).history().enabled()).isTrue();
        assertThat(sources.get(0).history().range()).isEqualTo(Duration.ofHours(12));
        assertThat(sources.get(1).lookback()).isEqualTo(Duration.ofHours(2));
        assertThat(sources.get(1).history().enabled()).isFalse();
        assertThat(sources.get(1).history().range()).isEqualTo(Duration.ofHours(12));
    }

    @Test
    void shouldGiveAVariableToTheSourceWithTheLongerMatchingName() {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", "broker:9092");
        env.put("FLOWPULSE_SOURCES", "a,a-b");
        env.put("FLOWPULSE_SOURCE_A_PREFECT_API_URL", "http://one:4200/api");
        env.put("FLOWPULSE_SOURCE_A_B_PREFECT_API_URL", "http://two:4200/api");

        List<IngestConfig> sources = IngestSources.fromEnv(env).sources();

        assertThat(sources.get(0).apiUrl().getHost()).isEqualTo("one");
        assertThat(sources.get(1).apiUrl().getHost()).isEqualTo("two");
    }

    @Test
    void shouldReportEveryProblemOfEverySourceAtOnceNamingTheVariableSet() {
        Map<String, String> env = twoSources();
        env.remove("FLOWPULSE_SOURCE_PROD_PREFECT_API_KEY");
        env.remove("FLOWPULSE_SOURCE_STAGING_EU_PREFECT_API_URL");
        env.put("FLOWPULSE_SOURCE_STAGING_EU_INGEST_LOOKBACK", "soon");
        env.put("FLOWPULSE_INGEST_RECONNECT_MIN", "never");
        env.put("FLOWPULSE_SOURCE_QA_PREFECT_API_URL", "http://qa:4200/api");
        env.put("FLOWPULSE_SOURCE_PROD_PREFECT_API_UR", "typo");

        List<String> problems = problems(env);

        assertThat(problems)
                .anySatisfy(p -> assertThat(p)
                        .startsWith("FLOWPULSE_SOURCE_PROD_PREFECT_API_KEY is required when"
                                + " FLOWPULSE_SOURCE_PROD_PREFECT_API_URL is a Prefect Cloud URL"))
                .contains("FLOWPULSE_SOURCE_STAGING_EU_PREFECT_API_URL is required")
                .anySatisfy(p -> assertThat(p).startsWith("FLOWPULSE_SOURCE_STAGING_EU_INGEST_LOOKBACK must be a"))
                .anySatisfy(p -> assertThat(p).startsWith("FLOWPULSE_SOURCE_QA_PREFECT_API_URL belongs to no source"))
                .anySatisfy(p -> assertThat(p).startsWith("FLOWPULSE_SOURCE_PROD_PREFECT_API_UR belongs to no source"));
        // A shared variable's problem is reported once, not once per source.
        assertThat(problems.stream().filter(p -> p.startsWith("FLOWPULSE_INGEST_RECONNECT_MIN")))
                .hasSize(1);
        assertThat(String.join("\n", problems)).doesNotContain(PROD_KEY, STAGING_AUTH, "staging-s3cr3t");
    }

    @Test
    void shouldRejectBadOrRepeatedNamesSharedWorkspacesAndPlainSourceVariables() {
        Map<String, String> env = twoSources();
        env.put("FLOWPULSE_SOURCES", "prod,staging-eu,Prod_2,prod,");
        env.put("PREFECT_API_URL", "http://prefect:4200/api");
        env.put("PREFECT_API_KEY", PROD_KEY);
        env.put("FLOWPULSE_SOURCE_STAGING_EU_WORKSPACE", "prod");

        List<String> problems = problems(env);

        assertThat(problems)
                .anySatisfy(p -> assertThat(p).contains("'Prod_2'"))
                .anySatisfy(p -> assertThat(p).contains("''"))
                .contains("FLOWPULSE_SOURCES: source 'prod' is listed twice")
                .anySatisfy(p -> assertThat(p).startsWith("PREFECT_API_URL is set together with FLOWPULSE_SOURCES"))
                .anySatisfy(p -> assertThat(p).startsWith("PREFECT_API_KEY is set together with FLOWPULSE_SOURCES"))
                .anySatisfy(p -> assertThat(p).contains("same workspace 'prod'"));
        assertThat(String.join("\n", problems)).doesNotContain(PROD_KEY);
    }

    @Test
    void shouldRejectCredentialsInASourceUrlNamingItsVariable() {
        Map<String, String> env = twoSources();
        env.put("FLOWPULSE_SOURCE_STAGING_EU_PREFECT_API_URL", "http://admin:urlpass@prefect-staging:4200/api");

        assertThat(problems(env))
                .singleElement()
                .satisfies(p -> assertThat(p)
                        .startsWith("FLOWPULSE_SOURCE_STAGING_EU_PREFECT_API_URL must not contain credentials")
                        .doesNotContain("urlpass"));
    }
}
