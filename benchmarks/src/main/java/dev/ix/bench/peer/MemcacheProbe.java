package dev.ix.bench.peer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The memcached-protocol peers' probes: readiness ({@code version} over a fresh connection must be answered
 * {@code VERSION ...}) and one statistic ({@code stats}, kv's {@code jvm_allocated_bytes} for the allocation per
 * request). Plain JDK sockets, so that it shares nothing with the generator or the peers.
 */
final class MemcacheProbe {

    private static final int MAX_LINE = 256;
    /** memcached 1.6 answers {@code stats} with about 90 lines; more means something else is answering. */
    private static final int MAX_STATS = 1000;

    private MemcacheProbe() {
    }

    /**
     * @param timeout for connecting, and again for reading the answer
     * @return the version the server names
     * @throws IOException if the server cannot be reached, closes, or answers anything else
     */
    static String version(String host, int port, Duration timeout) throws IOException {
        try (Socket socket = connect(host, port, timeout)) {
            socket.getOutputStream().write("version\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = readLine(socket.getInputStream(), "version");
            if (!answer.startsWith("VERSION ")) {
                throw new IOException("answered version with \"" + answer + "\"");
            }
            return answer.substring("VERSION ".length());
        }
    }

    /**
     * @param timeout for connecting, and again for reading each line of the answer
     * @return the value of {@code STAT name} in the answer to {@code stats}
     * @throws IOException if the server cannot be reached, closes, answers anything else, or names no such statistic
     */
    static String stat(String host, int port, String name, Duration timeout) throws IOException {
        try (Socket socket = connect(host, port, timeout)) {
            socket.getOutputStream().write("stats\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String prefix = "STAT " + name + " ";
            String value = null;
            for (int n = 0; n <= MAX_STATS; n++) {
                String line = readLine(in, "stats");
                if (line.equals("END")) {
                    if (value == null) {
                        throw new IOException("stats has no " + name);
                    }
                    return value;
                }
                if (!line.startsWith("STAT ")) {
                    throw new IOException("answered stats with \"" + line + "\"");
                }
                if (line.startsWith(prefix)) {
                    value = line.substring(prefix.length());
                }
            }
            throw new IOException("stats did not end within " + MAX_STATS + " lines");
        }
    }

    private static Socket connect(String host, int port, Duration timeout) throws IOException {
        int millis = Math.toIntExact(Math.max(1, timeout.toMillis()));
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** @return the next line without its line end */
    private static String readLine(InputStream in, String command) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0 || line.length() > MAX_LINE) {
                throw new IOException("no answer line to " + command + " (got \"" + line + "\")");
            }
            line.append((char) b);
        }
        return line.toString().strip();
    }
}
