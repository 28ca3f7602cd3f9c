package dev.flowpulse.simulator.api;

import dev.flowpulse.simulator.http.HttpHandler;
import dev.flowpulse.simulator.http.HttpRequest;
import dev.flowpulse.simulator.http.HttpResponse;
import java.io.IOException;

/**
 * Routes requests under {@code /api} like Prefect's API app: the event websocket, the unauthenticated
 * probes ({@code /health}, {@code /ready}), then injected faults, then auth (401
 * {@code {"exception_message":"Unauthorized"}}), then the read endpoints.
 *
 * <p>Thread safe.
 */
public final class PrefectApi implements HttpHandler {

    private final AuthPolicy auth;
    private final FaultInjector faults;
    private final EventsOutEndpoint eventsOut;
    private final EventsRoutes events;
    private final FlowRunsRoutes flowRuns;

    public PrefectApi(
            AuthPolicy auth,
            FaultInjector faults,
            EventsOutEndpoint eventsOut,
            EventsRoutes events,
            FlowRunsRoutes flowRuns) {
        this.auth = auth;
        this.faults = faults;
        this.eventsOut = eventsOut;
        this.events = events;
        this.flowRuns = flowRuns;
    }

    @Override
    public HttpResponse handle(HttpRequest request, Connection connection) throws IOException {
        String path = request.path().length() > 1 && request.path().endsWith("/")
                ? request.path().substring(0, request.path().length() - 1)
                : request.path();
        if (path.equals("/api/events/out")) {
            return eventsOut.serve(request, connection);
        }
        if (!path.startsWith("/api/")) {
            return JsonBodies.detail(404, "Not Found");
        }
        String route = path.substring("/api".length());
        if (route.equals("/health") || route.equals("/ready")) {
            if (!request.method().equals("GET")) {
                return JsonBodies.detail(405, "Method Not Allowed");
            }
            return route.equals("/health")
                    ? HttpResponse.json(200, "true")
                    : HttpResponse.json(200, "{\"message\":\"OK\"}");
        }
        HttpResponse fault = faults.next();
        if (fault != null) {
            return fault;
        }
        if (!auth.restAuthorized(request.header("authorization"))) {
            return HttpResponse.json(401, "{\"exception_message\":\"Unauthorized\"}");
        }
        return route(request, route, connection);
    }

    private HttpResponse route(HttpRequest request, String route, Connection connection) {
        String method = request.method();
        return switch (route) {
            case "/events/filter" ->
                method.equals("POST") ? events.filter(request, baseUrl(request, connection)) : notAllowed();
            case "/events/filter/next" ->
                method.equals("GET") ? events.next(request, baseUrl(request, connection)) : notAllowed();
            case "/flow_runs/history" -> method.equals("POST") ? flowRuns.history(request) : notAllowed();
            case "/flow_runs/filter" -> method.equals("POST") ? flowRuns.filter(request) : notAllowed();
            case "/flow_runs/count" -> method.equals("POST") ? flowRuns.count(request) : notAllowed();
            default ->
                route.startsWith("/flow_runs/") && method.equals("GET")
                        ? flowRuns.read(route.substring("/flow_runs/".length()))
                        : JsonBodies.detail(404, "Not Found");
        };
    }

    /** Starlette's {@code request.base_url}: scheme, the Host header, and a trailing slash. */
    private static String baseUrl(HttpRequest request, Connection connection) {
        String host = request.header("host");
        if (host == null || host.isBlank()) {
            host = connection.socket().getLocalAddress().getHostAddress() + ":"
                    + connection.socket().getLocalPort();
        }
        return "http://" + host + "/";
    }

    private static HttpResponse notAllowed() {
        return JsonBodies.detail(405, "Method Not Allowed");
    }
}
