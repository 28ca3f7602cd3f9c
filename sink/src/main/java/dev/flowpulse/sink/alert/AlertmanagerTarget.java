package dev.flowpulse.sink.alert;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;

/**
 * One Alertmanager from {@code FLOWPULSE_ALERTMANAGER_URLS}. Credentials written into the URL
 * ({@code https://user:password@am.example:9093}) become a basic {@code Authorization} header and
 * are removed from the URL: {@link #label()} (the {@code alertmanager} metric label) and
 * {@link #toString()} never contain them. Immutable.
 *
 * @param baseUri       scheme, host, port and path prefix, without userinfo, query or trailing slash
 * @param authorization the {@code Authorization} header value, or "" for none
 */
public record AlertmanagerTarget(URI baseUri, String authorization) {

    public AlertmanagerTarget {
        Objects.requireNonNull(baseUri, "baseUri");
        authorization = authorization == null ? "" : authorization;
    }

    /** Parses one base URL; the exception's message never repeats the URL (it may hold a password). */
    public static AlertmanagerTarget parse(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "is not a valid URL (" + e.getReason() + " at index " + e.getIndex() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("must be an absolute http:// or https:// URL");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("must not have a query or fragment");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        String authorization = "";
        if (uri.getRawUserInfo() != null) {
            authorization = "Basic "
                    + Base64.getEncoder().encodeToString(uri.getUserInfo().getBytes(StandardCharsets.UTF_8));
        }
        URI base = URI.create(scheme + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + path);
        return new AlertmanagerTarget(base, authorization);
    }

    /** Where alerts are posted: {@code <base>/api/v2/alerts}. */
    public URI alertsUri() {
        return URI.create(baseUri + "/api/v2/alerts");
    }

    /** The base URL without credentials: the {@code alertmanager} label of the push metrics. */
    public String label() {
        return baseUri.toString();
    }

    @Override
    public String toString() {
        return "Alertmanager[" + label() + (authorization.isEmpty() ? "" : ", with credentials") + "]";
    }
}
