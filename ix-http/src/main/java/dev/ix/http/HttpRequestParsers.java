package dev.ix.http;

import io.netty.buffer.ByteBuf;

/**
 * <b>Internal, not API</b>: the package-private {@link RequestParser} made reachable for the JMH benchmark
 * {@code dev.ix.bench.jmh.HttpParseBenchmark} in the {@code benchmarks} module, where JMH's annotation processor and
 * runner are set up and Netty's decoder is measured on the same inputs. Nothing else may use it; it changes or goes
 * without notice.
 *
 * <p>Why a public class rather than the benchmark in this package: the benchmark reuses the benchmarks module's
 * request samples and receive path (an {@code MbufPool} slot view), and a split package across two jars of the same
 * JVM would be the worse surprise.
 */
public final class HttpRequestParsers {
    private HttpRequestParsers() {
    }

    /** @return a parser with the default limits, counting the requests it completes */
    public static Counting counting() {
        return new Counting();
    }

    /**
     * One connection's parser whose listener counts requests and releases body slices at once. Single thread.
     */
    public static final class Counting {
        private final CountingListener listener = new CountingListener();
        private final RequestParser parser = new RequestParser(HttpLimits.DEFAULT, listener);

        private Counting() {
        }

        /**
         * Parses what {@code in} holds.
         *
         * @param in received bytes; not released, the caller releases it
         * @return requests completed so far
         * @throws IllegalStateException when the input was rejected, with the status
         */
        public long parse(ByteBuf in) {
            parser.parse(in);
            if (listener.status != 0) {
                throw new IllegalStateException("request rejected with " + listener.status + ": " + listener.reason);
            }
            return listener.requests;
        }
    }

    /** Counts; reads the method and keep-alive of each head, as any server would. */
    private static final class CountingListener implements RequestParser.Listener {
        private long requests;
        private long keepAlive;
        private int status;
        private String reason;

        @Override
        public boolean onHead(RequestHead head) {
            keepAlive += head.keepAlive() && head.method() != HttpMethod.OTHER ? 1 : 0;
            return true;
        }

        @Override
        public void onContent(ByteBuf content) {
            content.release();
        }

        @Override
        public boolean onEnd() {
            requests++;
            return true;
        }

        @Override
        public void onError(int status, String reason) {
            this.status = status;
            this.reason = reason;
        }
    }
}
