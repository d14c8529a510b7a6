package dev.ix.samples;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.util.Date;

/**
 * Answers {@code GET /plaintext}, {@code GET /json}, {@code GET /stats/allocated-bytes} and
 * {@code GET /stats/transport}, 404 to anything else; sits after {@code HttpServerCodec}.
 *
 * <p>{@code /stats/allocated-bytes} answers {@code text/plain} with the bytes this JVM has allocated on the heap so
 * far, all threads together, in decimal ({@link AllocationCounter}; {@code -1} where the JVM cannot tell): the
 * benchmark harness reads it before and after a run to get the allocation per request. It is not a hot path and
 * allocates its own response body, as does {@code /stats/transport} (the transport's metrics, {@link TransportStats});
 * what follows is about the other two.
 *
 * <p>Per request it allocates only the response object, its headers and a duplicate of a constant body: bodies,
 * header names and values are encoded once, and the {@code Date} value once a second per event loop. (Unlike the
 * TechEmpower rules for the JSON test, the JSON body is a constant, not serialised per request.) Responses are
 * written as requests are decoded and flushed once per read batch ({@link BatchingHandler}), so pipelined
 * requests share a send. Keep-alive follows the request: HTTP/1.1 unless {@code Connection: close}, HTTP/1.0 only
 * with {@code Connection: keep-alive}; otherwise the response carries {@code Connection: close} and the
 * connection closes once it is written.
 *
 * <p>Request messages are released here; request bodies are ignored.
 */
@Sharable
final class HelloHandler extends BatchingHandler {

    static final HelloHandler INSTANCE = new HelloHandler();

    private static final ByteBuf PLAINTEXT = constant("Hello, World!");
    private static final ByteBuf JSON = constant("{\"message\":\"Hello, World!\"}");
    private static final ByteBuf NOT_FOUND = constant("Not Found");
    private static final ByteBuf BAD_REQUEST = constant("Bad Request");

    private static final AsciiString PLAINTEXT_LENGTH = length(PLAINTEXT);
    private static final AsciiString JSON_LENGTH = length(JSON);
    private static final AsciiString NOT_FOUND_LENGTH = length(NOT_FOUND);
    private static final AsciiString BAD_REQUEST_LENGTH = length(BAD_REQUEST);

    private static final AsciiString SERVER_NAME = AsciiString.cached("ix");
    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain");
    private static final AsciiString APPLICATION_JSON = AsciiString.cached("application/json");

    /** Our header names and values are constants known to be valid: skip Netty's per-header validation. */
    private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    private static final HttpHeadersFactory TRAILERS = DefaultHttpHeadersFactory.trailersFactory().withValidation(false);

    private static final FastThreadLocal<HttpDate> DATE = new FastThreadLocal<>() {
        @Override
        protected HttpDate initialValue() {
            return new HttpDate();
        }
    };

    private HelloHandler() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                respond(ctx, request);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private static void respond(ChannelHandlerContext ctx, HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            write(ctx, HttpResponseStatus.BAD_REQUEST, BAD_REQUEST, BAD_REQUEST_LENGTH, TEXT_PLAIN, false, false);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean http10 = !request.protocolVersion().isKeepAliveDefault();
        String uri = request.uri();
        if (HttpMethod.GET.equals(request.method()) && isPath(uri, "/plaintext")) {
            write(ctx, HttpResponseStatus.OK, PLAINTEXT, PLAINTEXT_LENGTH, TEXT_PLAIN, keepAlive, http10);
        } else if (HttpMethod.GET.equals(request.method()) && isPath(uri, "/json")) {
            write(ctx, HttpResponseStatus.OK, JSON, JSON_LENGTH, APPLICATION_JSON, keepAlive, http10);
        } else if (HttpMethod.GET.equals(request.method()) && isPath(uri, "/stats/allocated-bytes")) {
            writeText(ctx, Long.toString(AllocationCounter.totalAllocatedBytes()), keepAlive, http10);
        } else if (HttpMethod.GET.equals(request.method()) && isPath(uri, "/stats/transport")) {
            writeText(ctx, TransportStats.render(), keepAlive, http10);
        } else {
            write(ctx, HttpResponseStatus.NOT_FOUND, NOT_FOUND, NOT_FOUND_LENGTH, TEXT_PLAIN, keepAlive, http10);
        }
    }

    /** A one-off text answer (the stats routes): not a hot path, it allocates its body. */
    private static void writeText(ChannelHandlerContext ctx, String text, boolean keepAlive, boolean http10) {
        ByteBuf body = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        write(ctx, HttpResponseStatus.OK, body, AsciiString.of(Integer.toString(body.readableBytes())), TEXT_PLAIN,
                keepAlive, http10);
    }

    private static void write(ChannelHandlerContext ctx, HttpResponseStatus status, ByteBuf body,
                              AsciiString contentLength, AsciiString contentType, boolean keepAlive, boolean http10) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, body.duplicate(), HEADERS, TRAILERS);
        HttpHeaders headers = response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.SERVER, SERVER_NAME)
                .set(HttpHeaderNames.DATE, DATE.get().now())
                .set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.write(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (http10) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        ctx.write(response, ctx.voidPromise());
    }

    /** {@code uri} is {@code path}, optionally followed by a query; no allocation. */
    private static boolean isPath(String uri, String path) {
        return uri.startsWith(path) && (uri.length() == path.length() || uri.charAt(path.length()) == '?');
    }

    private static ByteBuf constant(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return Unpooled.unreleasableBuffer(Unpooled.directBuffer(bytes.length, bytes.length).writeBytes(bytes));
    }

    private static AsciiString length(ByteBuf body) {
        return AsciiString.cached(Integer.toString(body.readableBytes()));
    }

    /** The {@code Date} header value, formatted again only when the second changes. One per event loop. */
    private static final class HttpDate {

        private long second = -1;
        private AsciiString value;

        AsciiString now() {
            long millis = System.currentTimeMillis();
            long currentSecond = millis / 1000;
            if (currentSecond != second) {
                second = currentSecond;
                value = new AsciiString(DateFormatter.format(new Date(currentSecond * 1000)));
            }
            return value;
        }
    }
}
