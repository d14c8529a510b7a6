package dev.ix.reactor;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link RpcFrameDecoder} on its own: frames cut anywhere, a caller that takes frames slowly, bad lengths. */
class IxRpcFrameDecoderTest {
    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
    private static final int[] PAYLOAD_SIZES = {0, 1, 12, 600, 3000, 5};

    @Test
    void decodesTheSameFramesWhereverTheStreamIsCut() {
        byte[] stream = stream();
        for (int cut : new int[] {1, 2, 3, 4, 5, 7, 12, 13, 14, 64, 511, 2048, stream.length}) {
            assertThat(decode(stream, cut, Integer.MAX_VALUE)).as("cut every %d bytes", cut).isEqualTo(expected());
        }
    }

    @Test
    void keepsFramesTheCallerDoesNotTakeYetWithoutHoldingTheReceivedBuffers() {
        byte[] stream = stream();
        for (int cut : new int[] {1, 13, 700, stream.length}) {
            assertThat(decode(stream, cut, 1)).as("cut every %d bytes, one frame per read", cut)
                    .isEqualTo(expected());
        }
    }

    @Test
    void refusesALengthShorterThanIdAndKind() {
        RpcFrameDecoder decoder = new RpcFrameDecoder(1024, ALLOC);
        decoder.add(Unpooled.buffer().writeInt(8).writeLong(1));
        assertThatThrownBy(decoder::hasFrame).isInstanceOf(RpcFrameDecoder.MalformedFrameException.class)
                .hasMessage("length 8 is shorter than a frame's id and kind (9 bytes)");
        decoder.release();
    }

    @Test
    void refusesAnOversizeLengthBeforeItsBytesArrive() {
        RpcFrameDecoder decoder = new RpcFrameDecoder(1024, ALLOC);
        decoder.add(Unpooled.buffer().writeInt(-1));
        assertThatThrownBy(decoder::hasFrame).isInstanceOf(RpcFrameDecoder.MalformedFrameException.class)
                .hasMessage("length 4294967295 exceeds maxFrameLength 1024");
        decoder.release();
        assertThat(decoder.buffered()).isZero();
    }

    private static List<String> decode(byte[] stream, int cut, int framesPerRead) {
        RpcFrameDecoder decoder = new RpcFrameDecoder(4096, ALLOC);
        List<String> frames = new ArrayList<>();
        for (int at = 0; at < stream.length; at += cut) {
            ByteBuf received = ALLOC.directBuffer().writeBytes(stream, at, Math.min(cut, stream.length - at));
            decoder.add(received);
            take(decoder, frames, framesPerRead);
            assertThat(received.refCnt()).as("received buffer released by settle").isZero();
        }
        while (decoder.buffered() > 0) {
            int before = frames.size();
            take(decoder, frames, framesPerRead);
            assertThat(frames.size()).as("whole frames left after the stream ended").isGreaterThan(before);
        }
        decoder.release();
        return frames;
    }

    private static void take(RpcFrameDecoder decoder, List<String> frames, int max) {
        for (int n = 0; n < max && decoder.hasFrame(); n++) {
            long id = decoder.id();
            byte kind = decoder.kind();
            ByteBuf payload = decoder.readPayload();
            frames.add(id + "/" + kind + "/" + IxRpcTestSupport.text(payload));
        }
        decoder.settle();
    }

    private static byte[] stream() {
        ByteBuf out = Unpooled.buffer();
        for (int i = 0; i < PAYLOAD_SIZES.length; i++) {
            String payload = payload(i);
            out.writeInt(RpcFrame.ID_AND_KIND_BYTES + payload.length()).writeLong(1L << 40 | i)
                    .writeByte(RpcFrame.REQUEST).writeBytes(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        out.release();
        return bytes;
    }

    private static List<String> expected() {
        List<String> frames = new ArrayList<>();
        for (int i = 0; i < PAYLOAD_SIZES.length; i++) {
            frames.add((1L << 40 | i) + "/" + RpcFrame.REQUEST + "/" + payload(i));
        }
        return frames;
    }

    private static String payload(int i) {
        return "abcdefghijklmnopqrstuvwxyz".repeat(PAYLOAD_SIZES[i] / 26 + 1).substring(0, PAYLOAD_SIZES[i]);
    }
}
