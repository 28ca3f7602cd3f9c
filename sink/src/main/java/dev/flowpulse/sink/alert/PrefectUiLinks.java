package dev.flowpulse.sink.alert;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Links an alert to the Prefect UI page of its scope ({@code generatorURL}), under
 * {@code FLOWPULSE_PREFECT_UI_URL}. Paths as Prefect builds them ({@code prefect.utilities.urls},
 * {@code UI_URL_FORMATS}): {@code deployments/deployment/<id>}, {@code flows/flow/<id>},
 * {@code work-pools/work-pool/<name>}. A deployment scope without a deployment id links to its
 * flow; tags and teams have no page. Immutable.
 */
public final class PrefectUiLinks {

    private final String base;

    /** {@code uiUrl} may be null: then no alert has a link. */
    public PrefectUiLinks(URI uiUrl) {
        String b = uiUrl == null ? "" : uiUrl.toString();
        this.base = b.isEmpty() || b.endsWith("/") ? b : b + "/";
    }

    public static PrefectUiLinks none() {
        return new PrefectUiLinks(null);
    }

    /** The page of {@code scope}, or "" if none. */
    public String linkTo(Scope scope) {
        if (base.isEmpty()) {
            return "";
        }
        return switch (scope.dimension()) {
            case DEPLOYMENT ->
                !scope.deploymentId().isEmpty()
                        ? base + "deployments/deployment/" + encode(scope.deploymentId())
                        : flowPage(scope);
            case FLOW -> flowPage(scope);
            case WORK_POOL ->
                scope.labels().get("work_pool").isEmpty()
                        ? ""
                        : base + "work-pools/work-pool/" + encode(scope.labels().get("work_pool"));
            case TAG, TEAM -> "";
        };
    }

    private String flowPage(Scope scope) {
        return scope.flowId().isEmpty() ? "" : base + "flows/flow/" + encode(scope.flowId());
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
