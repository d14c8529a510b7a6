package dev.ix.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RpcResponseParserTest {

    private static final int IDS = 4;

    /** What the parser reported, in order: statuses, negative when the connection may not be kept. */
    private final List<Integer> responses = new ArrayList<>();
    private final ResponseDecoder.Listener listener = (status, keepAlive) -> responses.add(keepAlive ? status
            : -status);

    /**
     * Ids 0..3 and round again: responses of several payload sizes (empty, the usual 13 bytes, longer than a header),
     * and an error response.
     */
    private static byte[] stream() {
        ByteBuf out = Unpooled.buffer();
        frame(out, 0, RpcWire.RESPONSE, "Hello, World!");
        frame(out, 1, RpcWire.RESPONSE, "");
        frame(out, 2, RpcWire.ERROR, "handler failed");
        frame(out, 3, RpcWire.RESPONSE, "x".repeat(300));
        frame(out, 0, RpcWire.RESPONSE, "Hello, World!");
        return bytes(out);
    }

    private static final List<Integer> STREAM_STATUSES = List.of(200, 200, 500, 200, 200);

    @Test
    void severalFramesInOneBuffer() {
        RpcResponseParser parser = new RpcResponseParser(IDS);

        assertThat(feed(parser, stream())).isTrue();

        assertThat(responses).isEqualTo(STREAM_STATUSES);
        assertThat(parser.endOfInput(listener)).isTrue();
    }

    @Test
    void framesSplitAtEveryByteBoundary() {
        byte[] stream = stream();
        for (int split = 0; split <= stream.length; split++) {
            responses.clear();
            RpcResponseParser parser = new RpcResponseParser(IDS);

            assertThat(feed(parser, Arrays.copyOfRange(stream, 0, split))).as("split at %d", split).isTrue();
            assertThat(feed(parser, Arrays.copyOfRange(stream, split, stream.length))).as("split at %d", split)
                    .isTrue();

            assertThat(responses).as("split at %d", split).isEqualTo(STREAM_STATUSES);
            assertThat(parser.endOfInput(listener)).isTrue();
        }
    }

    @Test
    void framesFedOneByteAtATime() {
        byte[] stream = stream();
        RpcResponseParser parser = new RpcResponseParser(IDS);
        for (byte b : stream) {
            assertThat(feed(parser, new byte[] {b})).isTrue();
        }
        assertThat(responses).isEqualTo(STREAM_STATUSES);
        assertThat(parser.endOfInput(listener)).isTrue();
    }

    @Test
    void theBuffersIndicesDoNotMove() {
        ByteBuf in = Unpooled.wrappedBuffer(stream());

        new RpcResponseParser(IDS).feed(in, listener);

        assertThat(in.readerIndex()).isZero();
    }

    @Test
    void aResponseOutOfOrderFailsTheStream() {
        ByteBuf out = Unpooled.buffer();
        frame(out, 0, RpcWire.RESPONSE, "a");
        frame(out, 2, RpcWire.RESPONSE, "b");
        RpcResponseParser parser = new RpcResponseParser(IDS);

        assertThat(feed(parser, bytes(out))).isFalse();

        assertThat(responses).containsExactly(200);
        assertThat(parser.error()).contains("response id 2", "expected: 1");
        assertThat(feed(parser, stream())).as("failed for good until reset").isFalse();
    }

    @Test
    void aRequestFrameFailsTheStream() {
        ByteBuf out = Unpooled.buffer();
        frame(out, 0, RpcWire.REQUEST, "a");
        RpcResponseParser parser = new RpcResponseParser(IDS);

        assertThat(feed(parser, bytes(out))).isFalse();

        assertThat(parser.error()).contains("frame kind 1");
        assertThat(responses).isEmpty();
    }

    @Test
    void lengthsOutOfRangeFailTheStream() {
        for (int length : new int[] {0, 8, RpcWire.MAX_FRAME_LENGTH + 1, -1}) {
            RpcResponseParser parser = new RpcResponseParser(IDS);
            ByteBuf out = Unpooled.buffer().writeInt(length).writeLong(0).writeByte(RpcWire.RESPONSE);

            assertThat(feed(parser, bytes(out))).as("length %d", length).isFalse();
            assertThat(parser.error()).as("length %d", length)
                    .contains("frame length " + Integer.toUnsignedString(length));
        }
    }

    @Test
    void endOfInputInsideAFrameIsNotClean() {
        byte[] stream = stream();
        RpcResponseParser parser = new RpcResponseParser(IDS);

        feed(parser, Arrays.copyOfRange(stream, 0, 20));

        assertThat(parser.endOfInput(listener)).isFalse();
    }

    @Test
    void resetStartsANewConnectionAtIdZero() {
        RpcResponseParser parser = new RpcResponseParser(IDS);
        ByteBuf out = Unpooled.buffer();
        frame(out, 0, RpcWire.RESPONSE, "a");
        feed(parser, bytes(out));
        feed(parser, new byte[] {0, 0});

        parser.reset();

        assertThat(parser.error()).isNull();
        assertThat(feed(parser, stream())).isTrue();
        assertThat(responses).hasSize(1 + STREAM_STATUSES.size());
    }

    static void frame(ByteBuf out, long id, byte kind, String payload) {
        RpcWire.writeFrame(out, id, kind, Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8));
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    private boolean feed(RpcResponseParser parser, byte[] bytes) {
        return parser.feed(Unpooled.wrappedBuffer(bytes), listener);
    }
}
