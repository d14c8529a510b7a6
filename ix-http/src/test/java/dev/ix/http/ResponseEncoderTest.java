package dev.ix.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.AsciiString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The exact bytes of response heads and chunk framing. */
class ResponseEncoderTest {
    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain");

    private final HttpDate date = HttpDate.lazy();
    private final ResponseEncoder encoder = new ResponseEncoder(date, "ix");
    private final ByteBuf out = Unpooled.buffer();

    @AfterEach
    void release() {
        out.release();
    }

    @Test
    void writesA200WithLengthAndAGatheredBody() {
        BodyFraming framing = encoder.writeHead(out, HttpStatus.OK, TEXT_PLAIN, 13, 0);
        encoder.writeEndOfHead(out);
        out.writeCharSequence("Hello, World!", StandardCharsets.US_ASCII);

        assertThat(framing).isEqualTo(BodyFraming.LENGTH);
        assertThat(written()).isEqualTo("HTTP/1.1 200 OK\r\nDate: " + date() + "\r\nServer: ix\r\n"
                + "Content-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!");
    }

    @Test
    void writesA404WithoutServerWhenNoneIsConfigured() {
        ResponseEncoder anonymous = new ResponseEncoder(date, null);
        anonymous.writeHead(out, HttpStatus.NOT_FOUND, null, 0, 0);
        anonymous.writeEndOfHead(out);

        assertThat(written()).isEqualTo("HTTP/1.1 404 Not Found\r\nDate: " + date() + "\r\nContent-Length: 0\r\n\r\n");
    }

    @Test
    void writesNeitherLengthNorTypeNorBodyFor204And304() {
        assertThat(encoder.writeHead(out, HttpStatus.NO_CONTENT, TEXT_PLAIN, 5, 0)).isEqualTo(BodyFraming.NONE);
        encoder.writeEndOfHead(out);
        assertThat(written()).isEqualTo("HTTP/1.1 204 No Content\r\nDate: " + date() + "\r\nServer: ix\r\n\r\n");

        out.clear();
        assertThat(encoder.writeHead(out, HttpStatus.NOT_MODIFIED, null, ResponseEncoder.UNKNOWN_LENGTH, 0))
                .isEqualTo(BodyFraming.NONE);
        encoder.writeHeader(out, "ETag", "\"v1\"");
        encoder.writeEndOfHead(out);
        assertThat(written()).isEqualTo("HTTP/1.1 304 Not Modified\r\nDate: " + date() + "\r\nServer: ix\r\n"
                + "ETag: \"v1\"\r\n\r\n");
    }

    @Test
    void writesTheLengthAGetWouldHaveButNoBodyForHead() {
        BodyFraming framing = encoder.writeHead(out, HttpStatus.OK, TEXT_PLAIN, 13, ResponseEncoder.HEAD_REQUEST);
        encoder.writeEndOfHead(out);

        assertThat(framing).isEqualTo(BodyFraming.NONE);
        assertThat(written()).isEqualTo("HTTP/1.1 200 OK\r\nDate: " + date() + "\r\nServer: ix\r\n"
                + "Content-Type: text/plain\r\nContent-Length: 13\r\n\r\n");
    }

    @Test
    void writesNoTransferEncodingForHeadOfUnknownLength() {
        BodyFraming framing = encoder.writeHead(out, HttpStatus.OK, null, ResponseEncoder.UNKNOWN_LENGTH,
                ResponseEncoder.HEAD_REQUEST);
        encoder.writeEndOfHead(out);

        assertThat(framing).isEqualTo(BodyFraming.NONE);
        assertThat(written()).isEqualTo("HTTP/1.1 200 OK\r\nDate: " + date() + "\r\nServer: ix\r\n\r\n");
    }

    @Test
    void framesAnUnknownLengthAsChunks() {
        BodyFraming framing = encoder.writeHead(out, HttpStatus.OK, TEXT_PLAIN, ResponseEncoder.UNKNOWN_LENGTH, 0);
        encoder.writeEndOfHead(out);
        encoder.writeChunkStart(out, 5);
        out.writeCharSequence("Hello", StandardCharsets.US_ASCII);
        encoder.writeChunkEnd(out);
        encoder.writeChunkStart(out, 26);
        out.writeCharSequence("abcdefghijklmnopqrstuvwxyz", StandardCharsets.US_ASCII);
        encoder.writeChunkEnd(out);
        encoder.writeLastChunk(out);

        assertThat(framing).isEqualTo(BodyFraming.CHUNKED);
        assertThat(written()).isEqualTo("HTTP/1.1 200 OK\r\nDate: " + date() + "\r\nServer: ix\r\n"
                + "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nHello\r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n");
    }

    @Test
    void writesChunkSizesInHex() {
        long[] sizes = {1, 9, 10, 15, 16, 255, 4096, 1L << 31, 1L << 53, Long.MAX_VALUE};
        for (long size : sizes) {
            out.clear();
            encoder.writeChunkStart(out, size);
            assertThat(written()).isEqualTo(Long.toHexString(size) + "\r\n");
        }
        assertThatThrownBy(() -> encoder.writeChunkStart(out, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesConnectionCloseWhenClosing() {
        encoder.writeHead(out, HttpStatus.BAD_REQUEST, null, 0, ResponseEncoder.CLOSE);
        encoder.writeEndOfHead(out);

        assertThat(written()).isEqualTo("HTTP/1.1 400 Bad Request\r\nDate: " + date() + "\r\nServer: ix\r\n"
                + "Content-Length: 0\r\nConnection: close\r\n\r\n");
    }

    @Test
    void tellsAnHttp10ClientThatKeepsTheConnectionSo() {
        encoder.writeHead(out, HttpStatus.OK, null, 2, ResponseEncoder.HTTP_1_0);
        encoder.writeEndOfHead(out);

        assertThat(written()).isEqualTo("HTTP/1.1 200 OK\r\nDate: " + date() + "\r\nServer: ix\r\n"
                + "Content-Length: 2\r\nConnection: keep-alive\r\n\r\n");
    }

    @Test
    void sendsAnUnknownLengthToAnHttp10ClientUntilTheClose() {
        BodyFraming framing = encoder.writeHead(out, HttpStatus.OK, null, ResponseEncoder.UNKNOWN_LENGTH,
                ResponseEncoder.HTTP_1_0);
        encoder.writeEndOfHead(out);

        assertThat(framing).isEqualTo(BodyFraming.UNTIL_CLOSE);
        assertThat(written()).isEqualTo("HTTP/1.1 200 OK\r\nDate: " + date() + "\r\nServer: ix\r\n"
                + "Connection: close\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 9, 10, 99, 100, 1L << 31, 1L << 53, Long.MAX_VALUE})
    void writesContentLengthDigits(long length) {
        encoder.writeHead(out, HttpStatus.OK, null, length, ResponseEncoder.HEAD_REQUEST);

        assertThat(written()).endsWith("\r\nContent-Length: " + length + "\r\n");
    }

    @Test
    void writesHandlerFieldsGivenAsStringsOrAsciiStrings() {
        encoder.writeHead(out, HttpStatus.OK, null, 0, 0);
        encoder.writeHeader(out, AsciiString.cached("X-Request-Id"), AsciiString.cached("42"));
        encoder.writeHeader(out, "Cache-Control", "no-cache,\tno-store");
        encoder.writeHeader(out, "X-Empty", "");
        encoder.writeEndOfHead(out);

        assertThat(written()).endsWith("Content-Length: 0\r\nX-Request-Id: 42\r\n"
                + "Cache-Control: no-cache,\tno-store\r\nX-Empty: \r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\r\nSet-Cookie: x=y", "a\rb", "a\nb", "a\u0000b", "a\u007fb", "caf\u00e9", "\u2028"})
    void refusesValuesThatCouldSplitTheResponseAndWritesNothing(String value) {
        assertThatThrownBy(() -> encoder.writeHeader(out, "X-Test", value))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("value of X-Test: character");
        assertThatThrownBy(() -> encoder.writeHead(out, HttpStatus.OK, value, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("value of Content-Type");
        assertThatThrownBy(() -> new ResponseEncoder(date, value)).isInstanceOf(IllegalArgumentException.class);
        assertThat(out.readableBytes()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "X-Test\r\nSet-Cookie", "X Test", "X-Test:", "X\u00e9", "X\nY"})
    void refusesFieldNamesThatAreNoTokenAndWritesNothing(String name) {
        assertThatThrownBy(() -> encoder.writeHeader(out, name, "v")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("field name: ");
        assertThat(out.readableBytes()).isZero();
    }

    @Test
    void refusesALengthBelowMinusOne() {
        assertThatThrownBy(() -> encoder.writeHead(out, HttpStatus.OK, null, -2, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("contentLength: -2 (expected: >= 0, or -1)");
    }

    private String written() {
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** The value the last write used: a lazy date refreshes only when written. */
    private String date() {
        return new String(date.snapshot(), StandardCharsets.US_ASCII);
    }
}
