package dev.ix.bench.peer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The readiness probe of the memcached-protocol peers: {@code version} over a fresh connection must be answered
 * {@code VERSION ...}. Plain JDK sockets, so that it shares nothing with the generator or the peers.
 */
final class MemcacheProbe {

    private static final int MAX_LINE = 256;

    private MemcacheProbe() {
    }

    /**
     * @param timeout for connecting, and again for reading the answer
     * @return the version the server names
     * @throws IOException if the server cannot be reached, closes, or answers anything else
     */
    static String version(String host, int port, Duration timeout) throws IOException {
        int millis = Math.toIntExact(Math.max(1, timeout.toMillis()));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            socket.getOutputStream().write("version\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0 || line.length() > MAX_LINE) {
                    throw new IOException("no answer line to version (got \"" + line + "\")");
                }
                line.append((char) b);
            }
            String answer = line.toString().strip();
            if (!answer.startsWith("VERSION ")) {
                throw new IOException("answered version with \"" + answer + "\"");
            }
            return answer.substring("VERSION ".length());
        }
    }
}
