package dev.flowpulse.simulator.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One parsed HTTP/1.1 request: method, path, query parameters, headers (names lower-cased) and
 * the body, which must come with {@code Content-Length} (chunked bodies are refused with 411, as
 * Prefect Cloud does). Immutable.
 */
public record HttpRequest(
        String method,
        String path,
        Map<String, String> query,
        Map<String, String> headers,
        byte[] body,
        String version) {

    public static final int MAX_HEADER_BYTES = 16 * 1024;
    public static final int MAX_BODY_BYTES = 5 * 1024 * 1024;

    /** A request the server cannot read; answer {@link #status()} and close the connection. */
    public static final class BadRequest extends IOException {
        private final int status;

        public BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** HTTP/1.0 without keep-alive, or an explicit {@code Connection: close}. */
    public boolean wantsClose() {
        String connection = header("connection");
        if (connection != null && connection.toLowerCase(Locale.ROOT).contains("close")) {
            return true;
        }
        return "HTTP/1.0".equals(version)
                && (connection == null || !connection.toLowerCase(Locale.ROOT).contains("keep-alive"));
    }

    /**
     * Reads the next request; null when the peer closed the connection between requests.
     *
     * @throws BadRequest for malformed, oversized or chunked requests
     */
    public static HttpRequest read(InputStream in) throws IOException {
        String requestLine = readLine(in, true);
        while (requestLine != null && requestLine.isEmpty()) {
            requestLine = readLine(in, true); // tolerate stray CRLF between requests
        }
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            throw new BadRequest(400, "malformed request line");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        int headerBytes = requestLine.length();
        for (String line = readLine(in, false); !line.isEmpty(); line = readLine(in, false)) {
            headerBytes += line.length();
            if (headerBytes > MAX_HEADER_BYTES) {
                throw new BadRequest(431, "headers too large");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new BadRequest(400, "malformed header");
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        if (headers.containsKey("transfer-encoding")) {
            throw new BadRequest(411, "Length Required");
        }
        byte[] body = readBody(in, headers.get("content-length"));
        String target = parts[1];
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        Map<String, String> query = q < 0 ? Map.of() : parseQuery(target.substring(q + 1));
        return new HttpRequest(
                parts[0], percentDecode(path), query, Collections.unmodifiableMap(headers), body, parts[2]);
    }

    private static byte[] readBody(InputStream in, String contentLength) throws IOException {
        if (contentLength == null) {
            return new byte[0];
        }
        long length;
        try {
            length = Long.parseLong(contentLength.trim());
        } catch (NumberFormatException e) {
            throw new BadRequest(400, "invalid Content-Length");
        }
        if (length < 0) {
            throw new BadRequest(400, "invalid Content-Length");
        }
        if (length > MAX_BODY_BYTES) {
            throw new BadRequest(413, "Request Entity Too Large");
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new BadRequest(400, "body shorter than Content-Length");
        }
        return body;
    }

    /**
     * Query parameters, percent-decoded only: a {@code +} stays a {@code +}, because Prefect's
     * page tokens are raw base64 placed in the URL unescaped.
     */
    static Map<String, String> parseQuery(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            query.putIfAbsent(percentDecode(name), percentDecode(value));
        }
        return Collections.unmodifiableMap(query);
    }

    private static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static String readLine(InputStream in, boolean eofAllowed) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (eofAllowed && line.size() == 0) {
                    return null;
                }
                throw new BadRequest(400, "connection ended inside the request head");
            }
            if (b == '\n') {
                break;
            }
            if (b != '\r') {
                line.write(b);
            }
            if (line.size() > MAX_HEADER_BYTES) {
                throw new BadRequest(431, "request head too large");
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
