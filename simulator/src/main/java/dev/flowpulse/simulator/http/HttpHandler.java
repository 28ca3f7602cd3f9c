package dev.flowpulse.simulator.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** Answers one request, or takes the connection over (websocket upgrade). Implementations must be thread safe. */
@FunctionalInterface
public interface HttpHandler {

    /** The raw connection, for handlers that switch protocols. */
    record Connection(Socket socket, InputStream in, OutputStream out) {}

    /**
     * @return the response to write, or null when the handler took the connection over; the
     *         server closes the socket once this call returns null
     */
    HttpResponse handle(HttpRequest request, Connection connection) throws IOException;
}
