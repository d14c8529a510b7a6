package dev.ix.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A blocking socket client that writes raw bytes and reads responses exactly as framed: for protocol tests. */
final class RawHttpClient implements AutoCloseable {
    /** One response: its status, its fields (names lower-cased, last value wins) and its content. */
    record Response(int status, Map<String, String> headers, String body) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttpClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    RawHttpClient send(String request) throws IOException {
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** @return the next response, framed by its Content-Length, chunks, or the close ({@code head}: no content) */
    Response read(boolean head) throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("closed before a response");
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(); !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean noContent = head || status == 204 || status == 304 || status < 200;
        if (noContent) {
            return new Response(status, headers, "");
        }
        if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if ("chunked".equals(headers.get("transfer-encoding"))) {
            for (int size = Integer.parseInt(line(), 16); size > 0; size = Integer.parseInt(line(), 16)) {
                body.write(in.readNBytes(size));
                if (!line().isEmpty()) {
                    throw new IOException("chunk data not followed by CRLF");
                }
            }
            if (!line().isEmpty()) {
                throw new IOException("trailer section not empty");
            }
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(status, headers, body.toString(StandardCharsets.ISO_8859_1));
    }

    Response read() throws IOException {
        return read(false);
    }

    /** @return whether the server closed the connection (EOF) with nothing more sent */
    boolean closedByServer() throws IOException {
        return in.read() == -1;
    }

    /** @return a CRLF-terminated line without its CRLF, or null at EOF */
    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\r') {
                if (in.read() != '\n') {
                    throw new IOException("bare CR in: " + sb);
                }
                return sb.toString();
            }
            sb.append((char) c);
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
