package dev.flowpulse.simulator.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketCreator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upgrade decision for {@code /api/events/out} (reference §2 step 1): accepts with the
 * {@code prefect} subprotocol when the client offers it (none otherwise: the legacy protocol),
 * or, when a fault asks for it, answers the upgrade request with an HTTP status (401/403 as an
 * authenticating proxy or Prefect Cloud would) instead of switching protocols.
 *
 * <p>Thread safe; Jetty calls it once per upgrade request.
 */
final class EventsOutEndpoint implements WebSocketCreator {

    static final String SUBPROTOCOL = "prefect";
    private static final Logger LOG = LoggerFactory.getLogger(EventsOutEndpoint.class);

    private final EventsOutContext context;

    EventsOutEndpoint(EventsOutContext context) {
        this.context = context;
    }

    @Override
    public Object createWebSocket(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        int status = context.faults().nextUpgradeRejection();
        if (status != 0) {
            LOG.debug("Refusing a websocket upgrade with HTTP {} (injected fault)", status);
            String body = status == 401
                    ? "{\"exception_message\":\"Unauthorized\"}"
                    : "{\"detail\":\"Upgrade refused with " + status + "\"}";
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
            return null; // no upgrade: the callback completes with the response above
        }
        boolean prefect = request.hasSubProtocol(SUBPROTOCOL);
        if (prefect) {
            response.setAcceptedSubProtocol(SUBPROTOCOL);
        }
        return new EventsOutSession(context, prefect);
    }
}
