package dev.ix.http;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;

/**
 * <b>Internal, not API</b>: the package-private {@link ResponseEncoder} made reachable for the JMH benchmark
 * {@code dev.ix.bench.jmh.HttpEncodeBenchmark} in the {@code benchmarks} module, as {@link HttpRequestParsers} is for
 * the parser. Nothing else may use it; it changes or goes without notice.
 */
public final class HttpResponseEncoders {
    private HttpResponseEncoders() {
    }

    /**
     * @param serverName the {@code Server} value, or {@code null} for none
     * @return an encoder of TechEmpower's plaintext response with the calling thread's {@code Date}; use it on this
     *         thread only
     */
    public static Plaintext plaintext(CharSequence serverName) {
        return new Plaintext(new ResponseEncoder(HttpDate.current(), serverName));
    }

    /** Writes TechEmpower's plaintext response, head and body. Single thread. */
    public static final class Plaintext {
        private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain");
        private static final byte[] BODY = HttpChars.ascii("Hello, World!");

        private final ResponseEncoder encoder;

        private Plaintext(ResponseEncoder encoder) {
            this.encoder = encoder;
        }

        /**
         * Writes one {@code 200 OK} with {@code Content-Type: text/plain} and the 13-byte body copied behind the head.
         *
         * @param out written from its writer index; not released
         */
        public void encode(ByteBuf out) {
            encoder.writeHead(out, HttpStatus.OK, TEXT_PLAIN, BODY.length, 0);
            encoder.writeEndOfHead(out);
            out.writeBytes(BODY);
        }
    }
}
