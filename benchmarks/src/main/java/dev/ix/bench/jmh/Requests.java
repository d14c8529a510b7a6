package dev.ix.bench.jmh;

import java.nio.charset.StandardCharsets;

/** The HTTP requests the benchmarks receive and decode, as the bytes a load generator puts on the wire. */
final class Requests {
    /** What {@code wrk http://localhost:8080/plaintext} sends: request line and Host only (49 bytes). */
    static final String WRK = "GET /plaintext HTTP/1.1\r\n"
            + "Host: localhost:8080\r\n"
            + "\r\n";

    /**
     * What the TechEmpower plaintext test's wrk script sends: three more headers, among them a long Accept
     * (170 bytes).
     */
    static final String TFB = "GET /plaintext HTTP/1.1\r\n"
            + "Host: tfb-server:8080\r\n"
            + "Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7\r\n"
            + "Connection: keep-alive\r\n"
            + "\r\n";

    private Requests() {
    }

    /**
     * @param name {@code wrk} or {@code tfb}
     * @return the request's bytes
     */
    static byte[] bytes(String name) {
        return switch (name) {
            case "wrk" -> WRK.getBytes(StandardCharsets.US_ASCII);
            case "tfb" -> TFB.getBytes(StandardCharsets.US_ASCII);
            default -> throw new IllegalArgumentException("request: " + name + " (expected: wrk or tfb)");
        };
    }
}
