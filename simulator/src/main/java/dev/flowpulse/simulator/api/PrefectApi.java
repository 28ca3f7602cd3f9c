package dev.flowpulse.simulator.api;

/**
 * Routes REST requests under {@code /api} like Prefect's API app: the unauthenticated probes
 * ({@code /health}, {@code /ready}), then injected failures, then auth (401
 * {@code {"exception_message":"Unauthorized"}}), then the read endpoints. The event websocket is
 * upgraded before requests reach this class; a plain request to it gets 400.
 *
 * <p>Thread safe.
 */
final class PrefectApi {

    static final String EVENTS_OUT_PATH = "/api/events/out";

    private final AuthPolicy auth;
    private final FaultInjector faults;
    private final EventsRoutes events;
    private final FlowRunsRoutes flowRuns;

    PrefectApi(AuthPolicy auth, FaultInjector faults, EventsRoutes events, FlowRunsRoutes flowRuns) {
        this.auth = auth;
        this.faults = faults;
        this.events = events;
        this.flowRuns = flowRuns;
    }

    /** True for probes, which are never failed or delayed by faults. */
    static boolean isProbe(String path) {
        String p = trimSlash(path);
        return p.equals("/api/health") || p.equals("/api/ready");
    }

    ApiResponse handle(ApiRequest request) {
        String path = trimSlash(request.path());
        if (path.equals(EVENTS_OUT_PATH)) {
            return ApiResponse.json(400, "{\"detail\":\"WebSocket upgrade required\"}");
        }
        if (!path.startsWith("/api/")) {
            return JsonBodies.detail(404, "Not Found");
        }
        String route = path.substring("/api".length());
        if (route.equals("/health") || route.equals("/ready")) {
            if (!request.method().equals("GET")) {
                return notAllowed();
            }
            return route.equals("/health")
                    ? ApiResponse.json(200, "true")
                    : ApiResponse.json(200, "{\"message\":\"OK\"}");
        }
        ApiResponse fault = faults.nextRestFailure();
        if (fault != null) {
            return fault;
        }
        if (!auth.restAuthorized(request.header("authorization"))) {
            return ApiResponse.json(401, "{\"exception_message\":\"Unauthorized\"}");
        }
        return route(request, route);
    }

    private ApiResponse route(ApiRequest request, String route) {
        String method = request.method();
        return switch (route) {
            case "/events/filter" -> method.equals("POST") ? events.filter(request, request.baseUrl()) : notAllowed();
            case "/events/filter/next" -> method.equals("GET") ? events.next(request, request.baseUrl()) : notAllowed();
            case "/flow_runs/history" -> method.equals("POST") ? flowRuns.history(request) : notAllowed();
            case "/flow_runs/filter" -> method.equals("POST") ? flowRuns.filter(request) : notAllowed();
            case "/flow_runs/count" -> method.equals("POST") ? flowRuns.count(request) : notAllowed();
            default ->
                route.startsWith("/flow_runs/") && method.equals("GET")
                        ? flowRuns.read(route.substring("/flow_runs/".length()))
                        : JsonBodies.detail(404, "Not Found");
        };
    }

    private static String trimSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static ApiResponse notAllowed() {
        return JsonBodies.detail(405, "Method Not Allowed");
    }
}
