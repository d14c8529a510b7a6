package dev.ix.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemcacheResponseParserTest {

    /**
     * Answers a memcached gives to gets and sets, pipelined: hits of several sizes, a miss (an error: the load asks
     * only for keys it stored), a multi-get, errors.
     */
    private static final String STREAM = "VALUE usr:1-xxxxxxx 0 2\r\nab\r\nEND\r\n"
            + "STORED\r\n"
            + "END\r\n"
            + "VALUE etc:2 0 0\r\n\r\nEND\r\n"
            + "VALUE k1 5 300 77\r\n" + "v".repeat(300) + "\r\nVALUE k2 0 3\r\nEND\r\nEND\r\n"
            + "SERVER_ERROR out of memory storing object\r\n"
            + "ERROR\r\n"
            + "CLIENT_ERROR bad data chunk\r\n"
            + "NOT_STORED\r\n"
            + "STORED\r\n";

    private static final List<Integer> STATUSES = List.of(200, 200, 404, 200, 200, 500, 500, 500, 409, 200);

    private final List<Integer> responses = new ArrayList<>();
    private final ResponseDecoder.Listener listener = (status, keepAlive) -> responses.add(keepAlive ? status
            : -status);

    @Test
    void pipelinedAnswersInOneBuffer() {
        MemcacheResponseParser parser = new MemcacheResponseParser();

        assertThat(feed(parser, bytes(STREAM))).as(parser.error()).isTrue();

        assertThat(responses).isEqualTo(STATUSES);
        assertThat(parser.misses()).isEqualTo(1);
        assertThat(parser.endOfInput(listener)).isTrue();
    }

    @Test
    void answersSplitAtEveryPairOfPoints() {
        byte[] stream = bytes(STREAM);
        // Every first split point, and second split points a prime apart: a line, a value's data and its \r\n all
        // end up cut in every way, at a bearable test time.
        for (int a = 0; a <= stream.length; a++) {
            for (int b = a; b <= stream.length; b += 17) {
                responses.clear();
                MemcacheResponseParser parser = new MemcacheResponseParser();

                assertThat(feed(parser, Arrays.copyOfRange(stream, 0, a))).isTrue();
                assertThat(feed(parser, Arrays.copyOfRange(stream, a, b))).isTrue();
                assertThat(feed(parser, Arrays.copyOfRange(stream, b, stream.length))).as("split at %d, %d", a, b)
                        .isTrue();

                assertThat(responses).as("split at %d, %d", a, b).isEqualTo(STATUSES);
                assertThat(parser.endOfInput(listener)).isTrue();
            }
        }
    }

    @Test
    void byteByByte() {
        MemcacheResponseParser parser = new MemcacheResponseParser();
        for (byte b : bytes(STREAM)) {
            assertThat(feed(parser, new byte[] {b})).isTrue();
        }

        assertThat(responses).isEqualTo(STATUSES);
    }

    @Test
    void linesEndingInBareNewlinesAreAccepted() {
        MemcacheResponseParser parser = new MemcacheResponseParser();

        assertThat(feed(parser, bytes("STORED\nVALUE k 0 1\r\nx\r\nEND\n"))).isTrue();

        assertThat(responses).containsExactly(200, 200);
    }

    @Test
    void endOfInputInsideAnAnswerIsNotClean() {
        for (String partial : List.of("STOR", "VALUE k 0 2\r\na", "VALUE k 0 2\r\nab\r\n")) {
            MemcacheResponseParser parser = new MemcacheResponseParser();

            assertThat(feed(parser, bytes(partial))).isTrue();

            assertThat(parser.endOfInput(listener)).as(partial).isFalse();
        }
    }

    @Test
    void malformedStreamsFailWithAReason() {
        for (String bad : List.of("HELLO\r\n", "VALUE k 0\r\n", "VALUE k 0 x\r\n", "VALUE k 0 2\r\nabc\r\n",
                "VALUE k 0 2\r\nab\r\nSTORED\r\n", "VALUE k 0 99999999\r\n", "X".repeat(600))) {
            MemcacheResponseParser parser = new MemcacheResponseParser();

            assertThat(feed(parser, bytes(bad))).as(bad).isFalse();

            assertThat(parser.error()).as(bad).isNotBlank();
            assertThat(feed(parser, bytes("STORED\r\n"))).as("stays failed").isFalse();
            parser.reset();
            assertThat(parser.error()).isNull();
            assertThat(feed(parser, bytes("STORED\r\n"))).isTrue();
        }
    }

    @Test
    void readsWithoutMovingTheBuffer() {
        MemcacheResponseParser parser = new MemcacheResponseParser();
        ByteBuf in = Unpooled.wrappedBuffer(bytes("STORED\r\n"));

        parser.feed(in, listener);

        assertThat(in.readerIndex()).isZero();
        assertThat(in.writerIndex()).isEqualTo(8);
    }

    private boolean feed(MemcacheResponseParser parser, byte[] bytes) {
        ByteBuf in = Unpooled.directBuffer(bytes.length + 3);
        // Data not at index 0: the parser must honour the reader index.
        in.writeBytes(new byte[3]).readerIndex(3);
        in.writeBytes(bytes);
        try {
            return parser.feed(in, listener);
        } finally {
            in.release();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
