package dev.ix.http;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every rule of the module README's table: the input is answered with exactly one error of the rule's status, and
 * the same for every split of the input (whole, byte by byte, cut in two anywhere).
 */
class RequestRejectionTest {
    private static final String HOST = "Host: x\r\n";
    private static final HttpLimits SMALL = HttpLimits.DEFAULT.withMaxRequestLineLength(32).withMaxHeaderSize(96)
            .withMaxHeaderCount(3).withMaxBodySize(10).withMaxChunkLineLength(20);

    static Stream<Arguments> rejected() {
        return Stream.of(
                arguments("request line over the limit", 414, "GET /" + "a".repeat(40) + " HTTP/1.1\r\n" + HOST
                        + "\r\n"),
                arguments("request line over the limit without its LF yet", 414, "GET /" + "a".repeat(40)),
                arguments("empty lines before the request line over its limit", 414, "\r\n".repeat(20)
                        + "GET / HTTP/1.1\r\n" + HOST + "\r\n"),
                arguments("header section over the limit", 431, "GET / HTTP/1.1\r\n" + HOST + "A: " + "b".repeat(90)
                        + "\r\n\r\n"),
                arguments("header section over the limit without its end yet", 431, "GET / HTTP/1.1\r\n" + HOST
                        + "A: " + "b".repeat(90)),
                arguments("more fields than the limit", 431, "GET / HTTP/1.1\r\n" + HOST
                        + "A: 1\r\nB: 2\r\nC: 3\r\n\r\n"),
                arguments("Content-Length over the body limit", 413, "POST / HTTP/1.1\r\n" + HOST
                        + "Content-Length: 11\r\n\r\n"),
                arguments("chunked body over the body limit", 413, "POST / HTTP/1.1\r\n" + HOST
                        + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n"),
                arguments("Content-Length beyond a long", 413, "POST / HTTP/1.1\r\n" + HOST
                        + "Content-Length: 99999999999999999999999\r\n\r\n"),
                arguments("both Content-Length and Transfer-Encoding", 400, "POST / HTTP/1.1\r\n" + HOST
                        + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"),
                arguments("repeated identical Content-Length", 400, "POST / HTTP/1.1\r\n" + HOST
                        + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc"),
                arguments("differing Content-Length", 400, "POST / HTTP/1.1\r\n" + HOST
                        + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"),
                arguments("Content-Length as a list", 400, "POST / HTTP/1.1\r\n" + HOST
                        + "Content-Length: 3, 3\r\n\r\nabc"),
                arguments("signed Content-Length", 400, "POST / HTTP/1.1\r\n" + HOST + "Content-Length: +3\r\n\r\nabc"),
                arguments("empty Content-Length", 400, "POST / HTTP/1.1\r\n" + HOST + "Content-Length:\r\n\r\n"),
                arguments("chunked not the last transfer coding", 400, "POST / HTTP/1.1\r\n" + HOST
                        + "Transfer-Encoding: chunked, gzip\r\n\r\n"),
                arguments("chunked twice", 400, "POST / HTTP/1.1\r\n" + HOST
                        + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"),
                arguments("transfer coding without chunked", 400, "POST / HTTP/1.1\r\n" + HOST
                        + "Transfer-Encoding: gzip\r\n\r\n"),
                arguments("empty Transfer-Encoding", 400, "POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: \r\n\r\n"),
                arguments("Transfer-Encoding in HTTP/1.0", 400, "POST / HTTP/1.0\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                arguments("unknown transfer coding before chunked", 501, "POST / HTTP/1.1\r\n" + HOST
                        + "Transfer-Encoding: foo, chunked\r\n\r\n"),
                arguments("gzip before chunked", 501, "POST / HTTP/1.1\r\n" + HOST
                        + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"),
                arguments("chunk size not hexadecimal", 400, chunked("x\r\nhello\r\n0\r\n\r\n")),
                arguments("chunk size missing", 400, chunked("\r\nhello\r\n0\r\n\r\n")),
                arguments("chunk size with a sign", 400, chunked("+5\r\nhello\r\n0\r\n\r\n")),
                arguments("chunk size beyond 15 hex digits", 400, chunked("1000000000000000\r\n")),
                arguments("chunk size line over its limit", 400,
                        chunked("5;a=bcdefghijklmnopqrstu\r\nhello\r\n0\r\n\r\n")),
                arguments("whitespace after the chunk size", 400, chunked("5 \r\nhello\r\n0\r\n\r\n")),
                arguments("malformed chunk extension", 400, chunked("5;\r\nhello\r\n0\r\n\r\n")),
                arguments("unterminated quoted chunk extension", 400, chunked("5;a=\"b\r\nhello\r\n0\r\n\r\n")),
                arguments("chunk data not followed by CRLF", 400, chunked("5\r\nhelloX\r\n0\r\n\r\n")),
                arguments("chunk data followed by LF only", 400, chunked("5\r\nhello\n0\r\n\r\n")),
                arguments("bare LF after the chunk size", 400, chunked("5\nhello\r\n0\r\n\r\n")),
                arguments("malformed trailer field", 400, chunked("0\r\nA : b\r\n\r\n")),
                arguments("trailer section over the limit", 431, chunked("0\r\nA: " + "b".repeat(100) + "\r\n\r\n")),
                arguments("obsolete line folding", 400, "GET / HTTP/1.1\r\n" + HOST + "A: b\r\n c\r\n\r\n"),
                arguments("whitespace before the first field line", 400, "GET / HTTP/1.1\r\n " + HOST + "\r\n"),
                arguments("whitespace between field name and colon", 400, "GET / HTTP/1.1\r\nHost : x\r\n\r\n"),
                arguments("tab between field name and colon", 400, "GET / HTTP/1.1\r\nHost\t: x\r\n\r\n"),
                arguments("whitespace between a known name and its colon", 400, "GET / HTTP/1.1\r\n" + HOST
                        + "Content-Length : 5\r\n\r\nhello"),
                arguments("whitespace before a known name", 400, "GET / HTTP/1.1\r\n" + HOST
                        + " Connection: close\r\n\r\n"),
                arguments("a known name and no colon", 400, "GET / HTTP/1.1\r\n" + HOST + "Connection close\r\n\r\n"),
                arguments("invalid byte before a known name's colon", 400, "GET / HTTP/1.1\r\n" + HOST
                        + "Expect\u0001: 100-continue\r\n\r\n"),
                arguments("field line without a colon", 400, "GET / HTTP/1.1\r\n" + HOST + "Abc\r\n\r\n"),
                arguments("empty field name", 400, "GET / HTTP/1.1\r\n" + HOST + ": b\r\n\r\n"),
                arguments("missing Host in HTTP/1.1", 400, "GET / HTTP/1.1\r\n\r\n"),
                arguments("repeated Host", 400, "GET / HTTP/1.1\r\n" + HOST + HOST + "\r\n"),
                arguments("repeated Host in HTTP/1.0", 400, "GET / HTTP/1.0\r\n" + HOST + HOST + "\r\n"),
                arguments("invalid byte in the method", 400, "G(T / HTTP/1.1\r\n" + HOST + "\r\n"),
                arguments("binary garbage before any line end", 400, "\u0016\u0003\u0001\u0002\u0000"),
                arguments("empty method", 400, " / HTTP/1.1\r\n" + HOST + "\r\n"),
                arguments("two spaces after the method", 400, "GET  / HTTP/1.1\r\n" + HOST + "\r\n"),
                arguments("two spaces after the target", 400, "GET /  HTTP/1.1\r\n" + HOST + "\r\n"),
                arguments("tab as a separator", 400, "GET\t/ HTTP/1.1\r\n" + HOST + "\r\n"),
                arguments("control byte in the target", 400, "GET /a\u0001b HTTP/1.1\r\n" + HOST + "\r\n"),
                arguments("non-ASCII byte in the target", 400, "GET /caf\u00e9 HTTP/1.1\r\n" + HOST + "\r\n"),
                arguments("fragment in the target", 400, "GET /a#b HTTP/1.1\r\n" + HOST + "\r\n"),
                arguments("DEL in a target's second word", 400, "GET /abcdefghij\u007fk HTTP/1.1\r\n" + HOST + "\r\n"),
                arguments("space in a target's second word", 400, "GET /abcdefghij k HTTP/1.1\r\n" + HOST + "\r\n"),
                arguments("fragment after the query", 400, "GET /a?b#c HTTP/1.1\r\n" + HOST + "\r\n"),
                arguments("control byte in the query", 400, "GET /a?b\u0001c HTTP/1.1\r\n" + HOST + "\r\n"),
                arguments("target in no form", 400, "GET a/b HTTP/1.1\r\n" + HOST + "\r\n"),
                arguments("asterisk target for GET", 400, "GET * HTTP/1.1\r\n" + HOST + "\r\n"),
                arguments("invalid byte in a field name", 400, "GET / HTTP/1.1\r\n" + HOST + "A(b: c\r\n\r\n"),
                // A blanket case fold (bit 0x20 set on every byte) would read these as known names.
                arguments("bare CR in a known field name", 400, "GET / HTTP/1.1\r\nHost: x\r\nContent\rLength: 3"
                        + "\r\n\r\nabc"),
                arguments("control byte in a known field name", 400, "GET / HTTP/1.1\r\nHo\u0013t: x\r\n\r\n"),
                arguments("known method with a control byte after it", 400, "GET\u0001 / HTTP/1.1\r\n" + HOST
                        + "\r\n"),
                arguments("SP inside the request target", 400, "GET /a b HTTP/1.1\r\n" + HOST + "\r\n"),
                arguments("obs-text in the request target", 400, "GET /caf\u00e9 HTTP/1.1\r\n" + HOST + "\r\n"),
                arguments("control byte in a field value", 400, "GET / HTTP/1.1\r\n" + HOST + "A: b\u0001c\r\n\r\n"),
                arguments("NUL in a field value", 400, "GET / HTTP/1.1\r\n" + HOST + "A: b\u0000c\r\n\r\n"),
                arguments("DEL in a field value", 400, "GET / HTTP/1.1\r\n" + HOST + "A: b\u007fc\r\n\r\n"),
                arguments("bare CR in a field value", 400, "GET / HTTP/1.1\r\n" + HOST + "A: b\rc\r\n\r\n"),
                arguments("bare CR ending a field line", 400, "GET / HTTP/1.1\r\n" + HOST + "A: b\r\r\n\r\n"),
                arguments("bare LF ending the request line", 400, "GET / HTTP/1.1\n" + HOST + "\r\n"),
                arguments("bare LF ending a field line", 400, "GET / HTTP/1.1\r\nHost: x\n\r\n"),
                arguments("bare LF ending the head", 400, "GET / HTTP/1.1\r\n" + HOST + "\n"),
                arguments("bare LF as an empty line before the request line", 400, "\nGET / HTTP/1.1\r\n" + HOST
                        + "\r\n"),
                arguments("HTTP/2.0 in a request line", 505, "GET / HTTP/2.0\r\n" + HOST + "\r\n"),
                arguments("HTTP/2 connection preface", 505, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
                arguments("HTTP/0.9 as a version", 505, "GET / HTTP/0.9\r\n" + HOST + "\r\n"),
                arguments("HTTP/3.0", 505, "GET / HTTP/3.0\r\n" + HOST + "\r\n"),
                arguments("request line without a version (HTTP/0.9 style)", 400, "GET /\r\n\r\n"),
                arguments("lower-case protocol name", 400, "GET / http/1.1\r\n" + HOST + "\r\n"),
                arguments("two-digit minor version", 400, "GET / HTTP/1.10\r\n" + HOST + "\r\n"),
                arguments("version without minor", 400, "GET / HTTP/1\r\n" + HOST + "\r\n"),
                arguments("space after the version", 400, "GET / HTTP/1.1 \r\n" + HOST + "\r\n"),
                arguments("garbage line", 400, "hello\r\n\r\n"),
                arguments("second request malformed after a valid one", 400, "GET / HTTP/1.1\r\n" + HOST + "\r\n"
                        + "GET / HTTP/1.1\r\nHost : x\r\n\r\n"));
    }

    private static String chunked(String body) {
        return "POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n" + body;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("rejected")
    void answersTheRuleStatusOnceForEverySplit(String rule, int status, String input) {
        List<String> events = Parsing.everySplit(SMALL, input);

        assertThat(events).as(rule).isNotEmpty();
        assertThat(events.getLast()).as(rule).isEqualTo("error " + status);
        assertThat(events.stream().filter(e -> e.startsWith("error"))).as(rule).hasSize(1);
    }
}
