package dev.flowpulse.simulator.api;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The Jetty handler behind the websocket upgrade: turns a Jetty request into an {@link ApiRequest},
 * lets {@link PrefectApi} answer, and writes the {@link ApiResponse} (after the injected delay, on
 * Jetty's scheduler, so a slow answer holds no thread). Bodies must come with
 * {@code Content-Length} (chunked bodies get 411, as Prefect Cloud answers) and stay within 5 MiB
 * (413).
 *
 * <p>Thread safe; Jetty calls it on its pool threads.
 */
final class RestHandler extends Handler.Abstract {

    static final long MAX_BODY_BYTES = 5L * 1024 * 1024;

    private final PrefectApi api;
    private final FaultInjector faults;

    RestHandler(PrefectApi api, FaultInjector faults) {
        this.api = api;
        this.faults = faults;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        HttpFields headers = request.getHeaders();
        if (headers.contains(HttpHeader.TRANSFER_ENCODING)) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            write(ApiResponse.json(411, "{\"detail\":\"Length Required\"}"), response, callback);
            return true;
        }
        if (headers.getLongField(HttpHeader.CONTENT_LENGTH) > MAX_BODY_BYTES) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            write(ApiResponse.json(413, "{\"detail\":\"Request Entity Too Large\"}"), response, callback);
            return true;
        }
        ByteBuffer content = Content.Source.asByteBuffer(request);
        byte[] body = new byte[content.remaining()];
        content.get(body);
        String path = Request.getPathInContext(request);
        ApiRequest apiRequest =
                new ApiRequest(request.getMethod(), path, query(request), lowerCased(headers), body, baseUrl(request));
        ApiResponse answer = api.handle(apiRequest);
        Duration delay = PrefectApi.isProbe(path) ? Duration.ZERO : faults.responseDelay();
        if (delay.isZero()) {
            write(answer, response, callback);
        } else {
            request.getComponents()
                    .getScheduler()
                    .schedule(() -> write(answer, response, callback), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
        return true;
    }

    private static void write(ApiResponse answer, Response response, Callback callback) {
        response.setStatus(answer.status());
        answer.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
    }

    private static Map<String, String> query(Request request) {
        Map<String, String> query = new LinkedHashMap<>();
        for (Fields.Field field : Request.extractQueryParameters(request)) {
            query.putIfAbsent(field.getName(), field.getValue());
        }
        return Collections.unmodifiableMap(query);
    }

    private static Map<String, String> lowerCased(HttpFields headers) {
        Map<String, String> copy = new LinkedHashMap<>();
        for (HttpField field : headers) {
            copy.merge(field.getName().toLowerCase(Locale.ROOT), field.getValue(), (a, b) -> a + ", " + b);
        }
        return Collections.unmodifiableMap(copy);
    }

    /** Starlette's {@code request.base_url}: scheme, the Host header, and a trailing slash. */
    private static String baseUrl(Request request) {
        String host = request.getHeaders().get(HttpHeader.HOST);
        if (host == null || host.isBlank()) {
            host = Request.getLocalAddr(request) + ":" + Request.getLocalPort(request);
        }
        return "http://" + host + "/";
    }
}
