package dev.ix.bench.peer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One {@code GET} over a fresh connection that the request asks the server to close: the harness's few requests
 * of its own (readiness, the allocation counter) never share a connection with the load, nor leave one open.
 */
final class HttpProbe {

    /** More than any response the probes read; a bigger one is cut here. */
    private static final int MAX_RESPONSE_BYTES = 64 * 1024;

    record Response(int status, String body) {
    }

    private HttpProbe() {
    }

    /**
     * @param timeout for connecting, and again for reading the response
     * @throws IOException if the server cannot be reached or its response is not HTTP
     */
    static Response get(String host, int port, String path, Duration timeout) throws IOException {
        int millis = Math.toIntExact(Math.max(1, timeout.toMillis()));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + authority
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return parse(readAll(socket.getInputStream()));
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        while (bytes.size() < MAX_RESPONSE_BYTES && (n = in.read(buffer)) >= 0) {
            bytes.write(buffer, 0, n);
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    private static Response parse(String response) throws IOException {
        int headerEnd = response.indexOf("\r\n\r\n");
        if (!response.startsWith("HTTP/1.") || headerEnd < 0 || response.length() < 12) {
            throw new IOException("not an HTTP response: "
                    + response.substring(0, Math.min(80, response.length())).replace("\r\n", " | "));
        }
        int status;
        try {
            status = Integer.parseInt(response.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("no status code in " + response.lines().findFirst().orElse(""), e);
        }
        return new Response(status, response.substring(headerEnd + 4));
    }
}
