package dev.ix.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the parser accepts and reports, each input checked for every split (see {@link Parsing#everySplit}). */
class RequestParserTest {
    private static final String WRK = "GET /plaintext HTTP/1.1\r\nHost: localhost:8080\r\n\r\n";

    @Test
    void reportsAGetWithoutBodyAsHeadThenEnd() {
        assertThat(Parsing.everySplit(WRK)).containsExactly(
                "head GET /plaintext HTTP_1_1 path=/plaintext query=null length=-1 chunked=false keepAlive=true "
                        + "continue=false [1 Host: localhost:8080]",
                "end");
    }

    @Test
    void exposesPathQueryAndFieldsWithKnownIds() {
        RequestHead head = headOf("GET /a/b?x=1&y=%20 HTTP/1.1\r\nhOsT:  example.com \t\r\nX-Custom: v1\r\n"
                + "x-custom:v2\r\nAccept: */*\r\nUser-Agent: wrk\r\nContent-Type: text/plain\r\n"
                + "Accept-Encoding: gzip\r\nCookie: a=b\r\nAuthorization: Basic x\r\nUpgrade: h2c\r\n"
                + "TE: trailers\r\n\r\n");

        assertThat(head.method()).isEqualTo(HttpMethod.GET);
        assertThat(head.path()).isEqualTo("/a/b");
        assertThat(head.query()).isEqualTo("x=1&y=%20");
        assertThat(head.target()).isEqualTo("/a/b?x=1&y=%20");
        assertThat(head.header("Host")).isEqualTo("example.com");
        assertThat(head.header("HOST")).isEqualTo("example.com");
        assertThat(head.headers("X-CUSTOM")).containsExactly("v1", "v2");
        assertThat(head.header("missing")).isNull();
        assertThat(head.headers("missing")).isEmpty();
        assertThat(head.headerCount()).isEqualTo(11);
        int[] ids = new int[head.headerCount()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = head.knownHeader(i);
        }
        assertThat(ids).containsExactly(KnownHeaders.HOST, KnownHeaders.UNKNOWN, KnownHeaders.UNKNOWN,
                KnownHeaders.ACCEPT, KnownHeaders.USER_AGENT, KnownHeaders.CONTENT_TYPE,
                KnownHeaders.ACCEPT_ENCODING, KnownHeaders.COOKIE, KnownHeaders.AUTHORIZATION, KnownHeaders.UPGRADE,
                KnownHeaders.TE);
        assertThat(head.indexOf(KnownHeaders.USER_AGENT)).isEqualTo(4);
        assertThat(head.indexOf(KnownHeaders.EXPECT)).isEqualTo(-1);
    }

    @Test
    void keepsFieldsAsOffsetsIntoTheHeadBytes() {
        RequestHead head = headOf("GET /p?q HTTP/1.1\r\nHost: h\r\n\r\n");
        byte[] bytes = head.bytes();

        assertThat(new String(bytes, head.nameStart(0), head.nameEnd(0) - head.nameStart(0))).isEqualTo("Host");
        assertThat(new String(bytes, head.valueStart(0), head.valueEnd(0) - head.valueStart(0))).isEqualTo("h");
        assertThat(new String(bytes, head.pathStart(), head.pathEnd() - head.pathStart())).isEqualTo("/p");
        assertThat(new String(bytes, head.queryStart(), head.targetEnd() - head.queryStart())).isEqualTo("q");
    }

    @Test
    void splitsTheTargetAtItsFirstQuestionMark() {
        RequestHead head = headOf("GET /a??b=?/c HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(head.path()).isEqualTo("/a");
        assertThat(head.query()).isEqualTo("?b=?/c");

        RequestHead emptyQuery = headOf("GET /a? HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(emptyQuery.path()).isEqualTo("/a");
        assertThat(emptyQuery.query()).isEmpty();
    }

    @Test
    void matchesEveryStandardMethodAndKeepsOthersByName() {
        for (HttpMethod method : HttpMethod.values()) {
            if (method == HttpMethod.OTHER || method == HttpMethod.CONNECT) {
                continue;
            }
            String target = method == HttpMethod.OPTIONS ? "*" : "/";
            RequestHead head = headOf(method + " " + target + " HTTP/1.1\r\nHost: h\r\n\r\n");
            assertThat(head.method()).isEqualTo(method);
            assertThat(head.methodName()).isEqualTo(method.name());
        }
        RequestHead connect = headOf("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
        assertThat(connect.method()).isEqualTo(HttpMethod.CONNECT);
        assertThat(connect.path()).isEqualTo("example.com:443");

        RequestHead other = headOf("PROPFIND / HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(other.method()).isEqualTo(HttpMethod.OTHER);
        assertThat(other.methodName()).isEqualTo("PROPFIND");
        assertThat(headOf("get / HTTP/1.1\r\nHost: h\r\n\r\n").method()).isEqualTo(HttpMethod.OTHER);
        RequestHead longer = headOf("GETS / HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(longer.method()).isEqualTo(HttpMethod.OTHER);
        assertThat(longer.methodName()).isEqualTo("GETS");
    }

    @Test
    void takesThePathOfAnAbsoluteFormTarget() {
        RequestHead head = headOf("GET http://example.com:8080/a/b?c HTTP/1.1\r\nHost: example.com:8080\r\n\r\n");
        assertThat(head.path()).isEqualTo("/a/b");
        assertThat(head.query()).isEqualTo("c");

        assertThat(headOf("GET https://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n").path()).isEqualTo("/");
        assertThat(headOf("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").path()).isEqualTo("*");
    }

    @Test
    void keepsHttp11AliveUnlessConnectionClose() {
        assertThat(headOf("GET / HTTP/1.1\r\nHost: h\r\n\r\n").keepAlive()).isTrue();
        assertThat(headOf("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").keepAlive()).isFalse();
        assertThat(headOf("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, CLOSE\r\n\r\n").keepAlive()).isFalse();
        assertThat(headOf("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\n\r\n").keepAlive()).isTrue();
    }

    @Test
    void keepsHttp10AliveOnlyWhenAsked() {
        RequestHead plain = headOf("GET / HTTP/1.0\r\n\r\n");
        assertThat(plain.version()).isEqualTo(HttpVersion.HTTP_1_0);
        assertThat(plain.keepAlive()).isFalse();
        assertThat(headOf("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive()).isTrue();
        assertThat(headOf("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n").keepAlive()).isFalse();
    }

    @Test
    void servesHigherMinorVersionsOfHttp1AsHttp11() {
        assertThat(headOf("GET / HTTP/1.2\r\nHost: h\r\n\r\n").version()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(headOf("GET / HTTP/1.9\r\nHost: h\r\n\r\n").version()).isEqualTo(HttpVersion.HTTP_1_1);
    }

    @Test
    void reportsExpectContinueForHttp11Only() {
        assertThat(headOf("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\nx")
                .expectContinue()).isTrue();
        assertThat(headOf("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx")
                .expectContinue()).isFalse();
        assertThat(headOf(WRK).expectContinue()).isFalse();
    }

    @Test
    void skipsEmptyLinesBeforeTheRequestLine() {
        assertThat(Parsing.everySplit("\r\n\r\n" + WRK)).isEqualTo(Parsing.everySplit(WRK));
    }

    @Test
    void acceptsAnEmptyHostAndObsTextInValues() {
        RequestHead head = headOf("GET / HTTP/1.1\r\nHost:\r\nX: caf\u00e9\t!\r\n\r\n");
        assertThat(head.header("host")).isEmpty();
        assertThat(head.header("x")).isEqualTo("caf\u00e9\t!");
    }

    @Test
    void deliversAContentLengthBodyIntact() {
        assertThat(Parsing.everySplit("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world"))
                .containsExactly(
                        "head POST /echo HTTP_1_1 path=/echo query=null length=11 chunked=false keepAlive=true "
                                + "continue=false [1 Host: h] [2 Content-Length: 11]",
                        "content:hello world",
                        "end");
    }

    @Test
    void endsAZeroLengthBodyAtOnce() {
        assertThat(Parsing.everySplit("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"))
                .hasSize(2).last().isEqualTo("end");
    }

    @Test
    void deliversAChunkedBodyWithoutItsFramingExtensionsAndTrailers() {
        String input = "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n"
                + "5;name=value;quoted=\"a \\\" b\" ; bare\r\nhello\r\n"
                + "1\r\n \r\n"
                + "00000006\r\nworld!\r\n"
                + "0;last=1\r\nChecksum: abc\r\nX-Trailer:\r\n\r\n";

        assertThat(Parsing.everySplit(input)).containsExactly(
                "head POST /up HTTP_1_1 path=/up query=null length=-1 chunked=true keepAlive=true continue=false "
                        + "[1 Host: h] [3 Transfer-Encoding: Chunked]",
                "content:hello world!",
                "end");
    }

    @Test
    void ignoresEmptyElementsOfTheTransferEncodingList() {
        assertThat(Parsing.everySplit("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: , chunked ,\r\n\r\n0\r\n\r\n"))
                .hasSize(2).last().isEqualTo("end");
    }

    @Test
    void slicesTheBodyFromTheInputWithoutCopying() {
        List<ByteBuf> slices = new ArrayList<>();
        RequestParser capturing = new RequestParser(HttpLimits.DEFAULT, new RequestParser.Listener() {
            @Override
            public boolean onHead(RequestHead head) {
                return true;
            }

            @Override
            public void onContent(ByteBuf content) {
                slices.add(content);
            }

            @Override
            public boolean onEnd() {
                return true;
            }

            @Override
            public void onError(int status, String reason) {
                throw new AssertionError(status + " " + reason);
            }
        });
        ByteBuf in = buffer("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello");
        try {
            capturing.parse(in);
            assertThat(slices).hasSize(1);
            ByteBuf slice = slices.getFirst();
            assertThat(slice.memoryAddress() + slice.readerIndex())
                    .isEqualTo(in.memoryAddress() + in.writerIndex() - 5);
            assertThat(in.refCnt()).as("the slice holds a reference to the input").isEqualTo(2);
        } finally {
            slices.forEach(ByteBuf::release);
            in.release();
        }
    }

    @Test
    void reportsPipelinedRequestsInOrder() {
        String second = "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";
        String third = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n";
        String fourth = "GET /d HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";

        List<String> events = Parsing.everySplit(WRK + second + third + fourth);

        assertThat(events).hasSize(10);
        assertThat(events.get(0)).startsWith("head GET /plaintext");
        assertThat(events.get(2)).startsWith("head POST /b");
        assertThat(events.get(3)).isEqualTo("content:abc");
        assertThat(events.get(5)).startsWith("head POST /c");
        assertThat(events.get(6)).isEqualTo("content:de");
        assertThat(events.get(8)).startsWith("head GET /d").contains("keepAlive=false");
        assertThat(events.get(9)).isEqualTo("end");
    }

    @Test
    void keepsTheRestOfTheInputWhenTheListenerPausesAtEnd() {
        RecordingListener listener = new RecordingListener();
        listener.pauseOnEnd = true;
        RequestParser parser = new RequestParser(HttpLimits.DEFAULT, listener);
        String second = "GET /2 HTTP/1.1\r\nHost: h\r\n\r\n";
        ByteBuf in = buffer(WRK + second);
        try {
            parser.parse(in);
            assertThat(listener.events()).hasSize(2);
            assertThat(in.readableBytes()).isEqualTo(second.length());
            assertThat(parser.betweenRequests()).isTrue();

            parser.parse(in);
            assertThat(listener.events()).hasSize(4);
            assertThat(listener.events().get(2)).startsWith("head GET /2");
            assertThat(in.isReadable()).isFalse();
        } finally {
            in.release();
        }
    }

    @Test
    void keepsTheBodyInTheInputWhenTheListenerPausesAtHead() {
        RecordingListener listener = new RecordingListener();
        listener.pauseOnHead = true;
        RequestParser parser = new RequestParser(HttpLimits.DEFAULT, listener);
        ByteBuf in = buffer("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi");
        ByteBuf empty = in.alloc().buffer(0);
        try {
            parser.parse(in);
            assertThat(listener.events()).hasSize(1);
            assertThat(in.readableBytes()).isEqualTo(2);

            parser.parse(in);
            assertThat(listener.events()).containsSubsequence("content:hi", "end");

            parser.parse(empty);
            assertThat(listener.events()).hasSize(3);
        } finally {
            in.release();
            empty.release();
        }
    }

    @Test
    void deliversAPendingEndOnAnEmptyBufferAfterAPause() {
        RecordingListener listener = new RecordingListener();
        listener.pauseOnHead = true;
        RequestParser parser = new RequestParser(HttpLimits.DEFAULT, listener);
        ByteBuf in = buffer(WRK);
        ByteBuf empty = in.alloc().buffer(0);
        try {
            parser.parse(in);
            assertThat(listener.events()).hasSize(1);

            parser.parse(empty);
            assertThat(listener.events()).hasSize(2).last().isEqualTo("end");
        } finally {
            in.release();
            empty.release();
        }
    }

    @Test
    void keepsTheHeadValidWhileTheListenerPausesAtEnd() {
        RecordingListener listener = new RecordingListener();
        listener.pauseOnEnd = true;
        HeadCapture capture = new HeadCapture(listener);
        RequestParser parser = new RequestParser(HttpLimits.DEFAULT, capture);
        ByteBuf in = buffer(WRK + "GET /second HTTP/1.1\r\nHost: h\r\n\r\n");
        try {
            parser.parse(in);
            assertThat(capture.last.path()).isEqualTo("/plaintext");
        } finally {
            in.release();
        }
    }

    @Test
    void ignoresAllInputAfterAnError() {
        RecordingListener listener = new RecordingListener();
        RequestParser parser = new RequestParser(HttpLimits.DEFAULT, listener);
        ByteBuf bad = buffer("GET / HTTP/1.1\r\nHost : h\r\n\r\n");
        ByteBuf good = buffer(WRK);
        try {
            parser.parse(bad);
            parser.parse(good);
            assertThat(listener.events()).containsExactly("error 400");
            assertThat(good.isReadable()).isFalse();
            assertThat(parser.betweenRequests()).isFalse();
        } finally {
            bad.release();
            good.release();
        }
    }

    @Test
    void tellsWhetherARequestIsUnderWay() {
        RequestParser parser = new RequestParser(HttpLimits.DEFAULT, new RecordingListener());
        assertThat(parser.betweenRequests()).isTrue();
        ByteBuf part = buffer("GET / HT");
        ByteBuf rest = buffer("TP/1.1\r\nHost: h\r\n\r\n");
        try {
            parser.parse(part);
            assertThat(parser.betweenRequests()).isFalse();
            parser.parse(rest);
            assertThat(parser.betweenRequests()).isTrue();
        } finally {
            part.release();
            rest.release();
        }
    }

    private static RequestHead headOf(String input) {
        Parsing.everySplit(input);
        HeadCapture capture = new HeadCapture(new RecordingListener());
        RequestParser parser = new RequestParser(HttpLimits.DEFAULT, capture);
        ByteBuf in = buffer(input);
        try {
            parser.parse(in);
        } finally {
            in.release();
        }
        assertThat(capture.last).as("head of %s", input).isNotNull();
        return capture.last;
    }

    static ByteBuf buffer(String input) {
        byte[] bytes = Parsing.bytes(input);
        return PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
    }

    /** Keeps the last head it saw, valid while its parser starts no other request. */
    private static final class HeadCapture implements RequestParser.Listener {
        private final RequestParser.Listener delegate;
        private RequestHead last;

        HeadCapture(RequestParser.Listener delegate) {
            this.delegate = delegate;
        }

        @Override
        public boolean onHead(RequestHead head) {
            last = head;
            return delegate.onHead(head);
        }

        @Override
        public void onContent(ByteBuf content) {
            delegate.onContent(content);
        }

        @Override
        public boolean onEnd() {
            return delegate.onEnd();
        }

        @Override
        public void onError(int status, String reason) {
            delegate.onError(status, reason);
        }
    }
}
