package dev.ix.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseParserTest {

    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\n"
            + "Hello, World!";
    private static final String CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;ext=1\r\nHello\r\n8\r\n, World!\r\n0\r\nX-Trailer: yes\r\n\r\n";
    private static final String EMPTY = "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
    private static final String NOT_FOUND = "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nNot Found";
    private static final String NO_CONTENT = "HTTP/1.1 204 No Content\r\nContent-Length: 99\r\n\r\n";
    private static final String CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n";
    private static final String MIXED_CASE = "HTTP/1.1 301 Moved\nCONTENT-LENGTH:  3 \nTRANSFER-ENCODING: gzip\n\nabc";

    /** What the parser reported, in order: status codes, negative when the connection may not be kept. */
    private final List<Integer> responses = new ArrayList<>();
    private final ResponseParser.Listener listener = (status, keepAlive) -> responses.add(keepAlive ? status
            : -status);

    @Test
    void oneResponse() {
        assertThat(feedAll(new ResponseParser(), OK)).isTrue();
        assertThat(responses).containsExactly(200);
    }

    @Test
    void severalResponsesInOneBuffer() {
        String stream = OK + CHUNKED + EMPTY + NOT_FOUND + CONTINUE + OK + NO_CONTENT + MIXED_CASE;
        assertThat(feedAll(new ResponseParser(), stream)).isTrue();
        assertThat(responses).containsExactly(200, 200, 200, 404, 200, 204, 301);
    }

    @Test
    void responsesSplitAtEveryByteBoundary() {
        String stream = OK + CHUNKED + EMPTY + NOT_FOUND + CONTINUE + OK + NO_CONTENT + MIXED_CASE;
        for (int split = 0; split <= stream.length(); split++) {
            responses.clear();
            ResponseParser parser = new ResponseParser();
            assertThat(feedAll(parser, stream.substring(0, split))).as("split at %d", split).isTrue();
            assertThat(feedAll(parser, stream.substring(split))).as("split at %d", split).isTrue();
            assertThat(responses).as("split at %d", split).containsExactly(200, 200, 200, 404, 200, 204, 301);
            assertThat(parser.idle()).isTrue();
        }
    }

    @Test
    void responsesFedOneByteAtATime() {
        String stream = CHUNKED + OK + CHUNKED;
        ResponseParser parser = new ResponseParser();
        for (int i = 0; i < stream.length(); i++) {
            assertThat(feedAll(parser, stream.substring(i, i + 1))).isTrue();
            assertThat(responses).hasSize(i < CHUNKED.length() - 1 ? 0
                    : i < CHUNKED.length() + OK.length() - 1 ? 1
                    : i < stream.length() - 1 ? 2 : 3);
        }
    }

    @Test
    void chunkedBody() {
        String big = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + "1F4\r\n" + "x".repeat(500)
                + "\r\n0\r\n\r\n";
        assertThat(feedAll(new ResponseParser(), big + CHUNKED)).isTrue();
        assertThat(responses).containsExactly(200, 200);
    }

    @Test
    void contentLengthZero() {
        assertThat(feedAll(new ResponseParser(), EMPTY + EMPTY)).isTrue();
        assertThat(responses).containsExactly(200, 200);
    }

    @Test
    void notFoundIsReportedWithItsStatusAndCountedAsAnError() {
        assertThat(feedAll(new ResponseParser(), NOT_FOUND)).isTrue();
        assertThat(responses).containsExactly(404);

        LoopStats stats = new LoopStats();
        stats.windowStartsAt(0);
        stats.response(2_000_000, 1_000_000, 1_500_000, 404);
        stats.response(2_000_000, 1_000_000, 1_500_000, 200);
        stats.response(2_000_000, 1_000_000, 1_500_000, 302);
        assertThat(stats.requests).isEqualTo(3);
        assertThat(stats.status).isEqualTo(1);
        assertThat(stats.errors()).isEqualTo(1);
        assertThat(stats.latency.getMaxValue()).isBetween(999L, 1001L);
        assertThat(stats.serviceTime.getMaxValue()).isBetween(499L, 501L);
    }

    @Test
    void malformedStatusLineIsAnError() {
        ResponseParser parser = new ResponseParser();
        assertThat(feedAll(parser, "HTTX/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")).isFalse();
        assertThat(parser.error()).contains("status line");
        assertThat(responses).isEmpty();
        // A failed parser stays failed until reset: the connection is to be closed.
        assertThat(feedAll(parser, EMPTY)).isFalse();
        parser.reset();
        assertThat(feedAll(parser, EMPTY)).isTrue();
        assertThat(responses).containsExactly(200);
    }

    @Test
    void otherMalformedInputIsAnError() {
        for (String bad : List.of("HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n",
                "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "HTTP/1.1 200 OK\r\r\n")) {
            responses.clear();
            ResponseParser parser = new ResponseParser();
            assertThat(feedAll(parser, bad)).as(bad).isFalse();
            assertThat(parser.error()).as(bad).isNotNull();
            assertThat(responses).as(bad).isEmpty();
        }
    }

    @Test
    void headerSectionIsLimitedTo8KiB() {
        String filler = "X-Filler: " + "a".repeat(100) + "\r\n";
        String status = "HTTP/1.1 200 OK\r\n";
        String end = "Content-Length: 0\r\n\r\n";
        int fitting = (ResponseParser.MAX_HEAD - status.length() - end.length()) / filler.length();
        ResponseParser fits = new ResponseParser();
        assertThat(feedAll(fits, status + filler.repeat(fitting) + end)).isTrue();
        assertThat(responses).containsExactly(200);

        ResponseParser tooBig = new ResponseParser();
        assertThat(feedAll(tooBig, status + filler.repeat(fitting + 2) + end)).isFalse();
        assertThat(tooBig.error()).contains("8192");
    }

    @Test
    void connectionCloseEndsTheStream() {
        ResponseParser parser = new ResponseParser();
        String close = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok";
        assertThat(feedAll(parser, close + OK)).isTrue();
        assertThat(responses).containsExactly(-200);

        responses.clear();
        parser.reset();
        String http10 = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok";
        String http10KeepAlive = "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok";
        assertThat(feedAll(parser, http10KeepAlive + http10)).isTrue();
        assertThat(responses).containsExactly(200, -200);
    }

    @Test
    void bodyWithoutLengthEndsWithTheConnection() {
        ResponseParser parser = new ResponseParser();
        assertThat(feedAll(parser, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nsome bytes")).isTrue();
        assertThat(feedAll(parser, "and more")).isTrue();
        assertThat(responses).isEmpty();
        assertThat(parser.endOfInput(listener)).isTrue();
        assertThat(responses).containsExactly(200);
    }

    @Test
    void endOfInputInsideAResponseIsReported() {
        ResponseParser parser = new ResponseParser();
        assertThat(feedAll(parser, OK.substring(0, 30))).isTrue();
        assertThat(parser.endOfInput(listener)).isFalse();
        assertThat(responses).isEmpty();
    }

    @Test
    void readsOnlyTheReadableBytesAndLeavesTheIndices() {
        ByteBuf buf = Unpooled.copiedBuffer("garbage" + OK + "tail", StandardCharsets.US_ASCII);
        try {
            buf.readerIndex(7);
            buf.writerIndex(buf.writerIndex() - 4);
            assertThat(new ResponseParser().feed(buf, listener)).isTrue();
            assertThat(buf.readerIndex()).isEqualTo(7);
            assertThat(responses).containsExactly(200);
        } finally {
            buf.release();
        }
    }

    private boolean feedAll(ResponseParser parser, String text) {
        ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
        try {
            return parser.feed(buf, listener);
        } finally {
            buf.release();
        }
    }
}
