package dev.flowpulse.simulator.http;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server on {@link ServerSocket}: one accept thread, one daemon thread per
 * connection (bounded; beyond the bound a connection gets 503), keep-alive, and hand-over of the
 * socket to the handler for protocol upgrades.
 *
 * <p>Lifecycle: {@link #start()} binds and returns; {@link #close()} stops accepting, closes every
 * open connection and waits briefly for the threads. Thread safe.
 */
public final class HttpServerLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServerLoop.class);
    private static final int KEEP_ALIVE_IDLE_MILLIS = 60_000;

    private final String host;
    private final int requestedPort;
    private final HttpHandler handler;
    private final ThreadPoolExecutor workers;
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket serverSocket;
    private volatile boolean closed;
    private Thread acceptor;

    public HttpServerLoop(String host, int port, int maxConnections, HttpHandler handler) {
        this.host = host;
        this.requestedPort = port;
        this.handler = handler;
        AtomicInteger ids = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(0, maxConnections, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "prefect-sim-conn-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public synchronized HttpServerLoop start() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(host), requestedPort), 128);
        serverSocket = socket;
        acceptor = new Thread(this::acceptLoop, "prefect-sim-accept-" + socket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        return this;
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("Accept failed: {}", e.toString());
                }
                continue;
            }
            openSockets.add(socket);
            try {
                workers.execute(() -> serve(socket));
            } catch (RejectedExecutionException e) {
                refuse(socket);
            }
        }
    }

    private void refuse(Socket socket) {
        try (socket) {
            HttpResponse.json(503, "{\"detail\":\"Too many connections\"}").writeTo(socket.getOutputStream(), true);
        } catch (IOException ignored) {
            // the client is gone either way
        } finally {
            openSockets.remove(socket);
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(KEEP_ALIVE_IDLE_MILLIS);
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            HttpHandler.Connection connection = new HttpHandler.Connection(socket, in, out);
            while (!closed) {
                HttpRequest request;
                try {
                    request = HttpRequest.read(in);
                } catch (HttpRequest.BadRequest e) {
                    String body = "{\"detail\":\"" + e.getMessage() + "\"}";
                    HttpResponse.json(e.status(), body).writeTo(out, true);
                    return;
                }
                if (request == null) {
                    return;
                }
                HttpResponse response = handle(request, connection);
                if (response == null) {
                    return; // the handler owned the connection until now
                }
                boolean close = request.wantsClose() || closed;
                response.writeTo(out, close);
                if (close) {
                    return;
                }
            }
        } catch (SocketTimeoutException | SocketException e) {
            // idle keep-alive connection timed out, or the peer / close() dropped it
        } catch (IOException e) {
            LOG.debug("Connection ended: {}", e.toString());
        } finally {
            openSockets.remove(socket);
        }
    }

    private HttpResponse handle(HttpRequest request, HttpHandler.Connection connection) throws IOException {
        try {
            return handler.handle(request, connection);
        } catch (RuntimeException e) {
            LOG.warn("Handler failed for {} {}: {}", request.method(), request.path(), e.toString());
            return HttpResponse.json(500, "{\"exception_message\":\"Internal Server Error\"}");
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (serverSocket != null) {
                serverSocket.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket socket : openSockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        workers.shutdownNow();
        try {
            workers.awaitTermination(2, TimeUnit.SECONDS);
            if (acceptor != null) {
                acceptor.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
