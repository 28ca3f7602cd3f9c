package dev.flowpulse.ingest;

import dev.flowpulse.contract.EnvReader;
import dev.flowpulse.contract.Secret;
import dev.flowpulse.contract.Topics;
import dev.flowpulse.ingest.gap.RecoverySettings;
import dev.flowpulse.ingest.history.HistorySettings;
import dev.flowpulse.ingest.rest.RestSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything ingest needs, read once from the environment.
 *
 * <p>A {@code user:pass@} in {@code PREFECT_API_URL} is a configuration error (the message
 * names the variable, never the value): credentials go in {@code PREFECT_API_AUTH_STRING} or
 * {@code PREFECT_API_KEY}.
 *
 * <p>Prefect settings use Prefect's own variable names, so an existing Prefect profile works as is.
 * {@code KAFKA_*} variables pass straight through to the producer ({@code KAFKA_BOOTSTRAP_SERVERS}
 * is required); the publisher then applies what ingest must own (idempotence, {@code acks=all},
 * serializers). Immutable. {@link #toString()} shows neither the credentials nor Kafka property
 * values (they may hold SASL passwords).
 *
 * @param apiUrl        {@code PREFECT_API_URL} (required), trailing slash removed
 * @param apiKey        {@code PREFECT_API_KEY}, Prefect Cloud; null when unset
 * @param authString    {@code PREFECT_API_AUTH_STRING}, self-hosted basic auth ({@code user:pass}); null when unset
 * @param cloudApiUrl   {@code PREFECT_CLOUD_API_URL}, default {@value #DEFAULT_CLOUD_API_URL}
 * @param workspace     {@code FLOWPULSE_WORKSPACE}; default: the workspace id of a Cloud URL, else host:port
 * @param backfill      {@code FLOWPULSE_INGEST_BACKFILL}, default true: ask the server to replay stored events
 * @param lookback      {@code FLOWPULSE_INGEST_LOOKBACK}, default 15m: {@code occurred.since} on the first connect
 * @param reconnectMin  {@code FLOWPULSE_INGEST_RECONNECT_MIN}, default 500ms: first backoff ceiling
 * @param reconnectMax  {@code FLOWPULSE_INGEST_RECONNECT_MAX}, default 30s: backoff cap, and the wait after an auth failure
 * @param pingInterval  {@code FLOWPULSE_INGEST_PING_INTERVAL}, default 20s; silence for two intervals ends the connection
 * @param kafka         producer properties from {@code KAFKA_*}
 * @param topics        topic names ({@code FLOWPULSE_TOPIC_*})
 * @param httpHost      {@code FLOWPULSE_INGEST_HTTP_HOST}, default {@code 0.0.0.0}
 * @param httpPort      {@code FLOWPULSE_INGEST_HTTP_PORT}, default 9401 (0 = any free port)
 * @param rest          REST client settings ({@code FLOWPULSE_INGEST_REST_*})
 * @param recovery      resume point and gap filling ({@code FLOWPULSE_INGEST_*}, {@code FLOWPULSE_TOPIC_INGEST_CURSOR})
 * @param history       the {@code /flow_runs/history} poll ({@code FLOWPULSE_HISTORY_*})
 */
public record IngestConfig(
        URI apiUrl,
        Secret apiKey,
        Secret authString,
        URI cloudApiUrl,
        String workspace,
        boolean backfill,
        Duration lookback,
        Duration reconnectMin,
        Duration reconnectMax,
        Duration pingInterval,
        Properties kafka,
        Topics topics,
        String httpHost,
        int httpPort,
        RestSettings rest,
        RecoverySettings recovery,
        HistorySettings history) {

    public static final String DEFAULT_CLOUD_API_URL = "https://api.prefect.cloud/api";
    public static final Duration DEFAULT_LOOKBACK = Duration.ofMinutes(15);
    public static final Duration DEFAULT_RECONNECT_MIN = Duration.ofMillis(500);
    public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(30);
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(20);
    public static final String DEFAULT_HTTP_HOST = "0.0.0.0";
    public static final int DEFAULT_HTTP_PORT = 9401;

    /** {@code scheme://user[:pass]@host…}: an {@code @} before the end of the authority. */
    private static final Pattern USER_INFO = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*@");

    private static final Pattern CLOUD_WORKSPACE = Pattern.compile("/accounts/[^/]+/workspaces/([^/]+)");

    public IngestConfig {
        Objects.requireNonNull(apiUrl, "apiUrl");
        if (apiUrl.getRawUserInfo() != null) {
            throw new IllegalArgumentException("apiUrl must not carry user info");
        }
        Objects.requireNonNull(cloudApiUrl, "cloudApiUrl");
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(lookback, "lookback");
        Objects.requireNonNull(reconnectMin, "reconnectMin");
        Objects.requireNonNull(reconnectMax, "reconnectMax");
        Objects.requireNonNull(pingInterval, "pingInterval");
        kafka = copyOf(Objects.requireNonNull(kafka, "kafka"));
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(httpHost, "httpHost");
        Objects.requireNonNull(rest, "rest");
        Objects.requireNonNull(recovery, "recovery");
        Objects.requireNonNull(history, "history");
    }

    /** Reads the configuration; throws one {@link dev.flowpulse.contract.ConfigException} listing every problem. */
    public static IngestConfig fromEnv(Map<String, String> env) {
        EnvReader reader = new EnvReader(env);
        String rawApiUrl = reader.required("PREFECT_API_URL");
        URI apiUrl = null;
        if (rawApiUrl != null && hasUserInfo(rawApiUrl)) {
            // Never echo the value: it holds a password.
            reader.problem("PREFECT_API_URL must not contain credentials (user:pass@): put them in"
                    + " PREFECT_API_AUTH_STRING (self-hosted) or PREFECT_API_KEY (Cloud)");
        } else {
            apiUrl = reader.httpUrl("PREFECT_API_URL", null);
        }
        URI cloudApiUrl = reader.httpUrl("PREFECT_CLOUD_API_URL", DEFAULT_CLOUD_API_URL);
        Secret apiKey = reader.secret("PREFECT_API_KEY");
        Secret authString = reader.secret("PREFECT_API_AUTH_STRING");
        boolean cloud = apiUrl != null && cloudApiUrl != null && isCloud(apiUrl, cloudApiUrl);
        if (cloud && apiKey == null && authString == null) {
            reader.problem("PREFECT_API_KEY is required when PREFECT_API_URL is a Prefect Cloud URL (starts with "
                    + cloudApiUrl + ")");
        }
        String workspace = reader.string("FLOWPULSE_WORKSPACE", apiUrl == null ? "" : defaultWorkspace(apiUrl, cloud));
        boolean backfill = reader.bool("FLOWPULSE_INGEST_BACKFILL", true);
        Duration lookback = reader.duration("FLOWPULSE_INGEST_LOOKBACK", DEFAULT_LOOKBACK);
        Duration reconnectMin = reader.positiveDuration("FLOWPULSE_INGEST_RECONNECT_MIN", DEFAULT_RECONNECT_MIN);
        Duration reconnectMax = reader.positiveDuration("FLOWPULSE_INGEST_RECONNECT_MAX", DEFAULT_RECONNECT_MAX);
        if (reconnectMax.compareTo(reconnectMin) < 0) {
            reader.problem("FLOWPULSE_INGEST_RECONNECT_MAX (" + reconnectMax
                    + ") must not be below FLOWPULSE_INGEST_RECONNECT_MIN (" + reconnectMin + ")");
        }
        Duration pingInterval = reader.positiveDuration("FLOWPULSE_INGEST_PING_INTERVAL", DEFAULT_PING_INTERVAL);
        reader.required("KAFKA_BOOTSTRAP_SERVERS");
        Topics topics = Topics.fromEnv(reader);
        String httpHost = reader.string("FLOWPULSE_INGEST_HTTP_HOST", DEFAULT_HTTP_HOST);
        int httpPort = reader.integer("FLOWPULSE_INGEST_HTTP_PORT", DEFAULT_HTTP_PORT, 0);
        if (httpPort > 65535) {
            reader.problem("FLOWPULSE_INGEST_HTTP_PORT must be <= 65535, got " + httpPort);
        }
        RestSettings rest = RestSettings.fromEnv(reader);
        RecoverySettings recovery = RecoverySettings.fromEnv(reader);
        HistorySettings history = HistorySettings.fromEnv(reader);
        reader.check();
        return new IngestConfig(
                apiUrl,
                apiKey,
                authString,
                cloudApiUrl,
                workspace,
                backfill,
                lookback,
                reconnectMin,
                reconnectMax,
                pingInterval,
                EnvReader.kafkaProperties(env),
                topics,
                httpHost,
                httpPort,
                rest,
                recovery,
                history);
    }

    /** Prefect Cloud mode, decided like the Python client: the API URL starts with the Cloud API URL. */
    public boolean cloud() {
        return isCloud(apiUrl, cloudApiUrl);
    }

    @Override
    public Properties kafka() {
        return copyOf(kafka);
    }

    static boolean isCloud(URI apiUrl, URI cloudApiUrl) {
        return apiUrl.toString().startsWith(cloudApiUrl.toString());
    }

    /** {@code .../accounts/<a>/workspaces/<w>} → {@code <w>} for Cloud; otherwise the server's host[:port]. */
    static String defaultWorkspace(URI apiUrl, boolean cloud) {
        if (cloud && apiUrl.getPath() != null) {
            Matcher m = CLOUD_WORKSPACE.matcher(apiUrl.getPath());
            if (m.find()) {
                return m.group(1);
            }
        }
        return apiUrl.getPort() < 0 ? apiUrl.getHost() : apiUrl.getHost() + ":" + apiUrl.getPort();
    }

    @Override
    public String toString() {
        return "IngestConfig[apiUrl=" + apiUrl + ", cloud=" + cloud() + ", apiKey=" + present(apiKey)
                + ", authString=" + present(authString) + ", cloudApiUrl=" + cloudApiUrl
                + ", workspace=" + workspace + ", backfill=" + backfill + ", lookback=" + lookback
                + ", reconnectMin=" + reconnectMin + ", reconnectMax=" + reconnectMax
                + ", pingInterval=" + pingInterval + ", kafkaKeys=" + new TreeSet<>(kafka.stringPropertyNames())
                + ", topics=" + topics + ", httpHost=" + httpHost + ", httpPort=" + httpPort + ", rest=" + rest
                + ", recovery=" + recovery + ", history=" + history + "]";
    }

    /** True when {@code url} carries {@code user:pass@} (or just {@code user@}) before its host. */
    static boolean hasUserInfo(String url) {
        return USER_INFO.matcher(url.trim()).find();
    }

    private static String present(Secret secret) {
        return secret == null ? "unset" : "****";
    }

    private static Properties copyOf(Properties source) {
        Properties copy = new Properties();
        copy.putAll(source);
        return copy;
    }
}
