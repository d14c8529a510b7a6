package dev.ix.transport.mbuf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.FixedLengthFrameDecoder;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Netty's decoders on receive views: {@link ByteToMessageDecoder#MERGE_CUMULATOR} must copy when the cumulation is a
 * read-only view (it cannot append to it), take a view as is when nothing is pending, and release every view so that
 * every slot returns.
 */
class MbufDecoderTest {
    private MbufFixture f;

    @BeforeEach
    void setUp() {
        f = new MbufFixture(256, 16);
    }

    @AfterEach
    void tearDown() {
        assertThat(f.pool.close()).as("every slot came back").isZero();
    }

    @Test
    void lineDecoderReassemblesLinesSplitAcrossViewsAndReleasesThemAll() {
        EmbeddedChannel ch = new EmbeddedChannel(new LineBasedFrameDecoder(64));
        String[] chunks = {"hel", "lo\nwor", "ld\nfoo\nba", "r\n", "tail without newline"};
        for (int i = 0; i < chunks.length; i++) {
            ch.writeInbound(f.receive(i, chunks[i]));
        }
        assertThat(readAll(ch)).containsExactly("hello", "world", "foo", "bar");
        assertThat(f.pool.inUse()).as("the pending tail still holds its view or a copy").isLessThanOrEqualTo(1);

        assertThat(ch.finishAndReleaseAll()).isFalse();
        assertThat(f.pool.inUse()).isZero();
        assertThat(f.recycled).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    }

    @Test
    void lineDecoderSlicesWholeLinesOutOfTheViewWithoutCopying() {
        EmbeddedChannel ch = new EmbeddedChannel(new LineBasedFrameDecoder(64));
        ByteBuf view = f.receive(7, "one\ntwo\n");
        long slot = f.pool.slotAddress(7);
        ch.writeInbound(view);

        ByteBuf one = ch.readInbound();
        ByteBuf two = ch.readInbound();
        assertThat(one.toString(StandardCharsets.US_ASCII)).isEqualTo("one");
        assertThat(two.toString(StandardCharsets.US_ASCII)).isEqualTo("two");
        assertThat(one.isReadOnly()).isTrue();
        assertThat(one.memoryAddress()).as("a slice of the mbuf, not a copy").isEqualTo(slot);
        assertThat(two.memoryAddress()).isEqualTo(slot + 4);
        assertThat(f.pool.inUse()).as("the frames keep the slot").isEqualTo(1);

        one.release();
        assertThat(f.recycled).isEmpty();
        two.release();
        assertThat(f.recycled).containsExactly(7);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void fixedLengthDecoderCopesWithReadOnlyCumulation() {
        EmbeddedChannel ch = new EmbeddedChannel(new FixedLengthFrameDecoder(8));
        // 3 + 7 + 2 + 12 = 24 bytes = 3 frames, boundaries everywhere but on a view's edge.
        String[] chunks = {"AAA", "AAAAABB", "BB", "BBBBCCCCCCCC"};
        for (int i = 0; i < chunks.length; i++) {
            ch.writeInbound(f.receive(i, chunks[i]));
        }
        assertThat(readAll(ch)).containsExactly("AAAAAAAA", "BBBBBBBB", "CCCCCCCC");
        assertThat(f.pool.inUse()).isZero();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void manyReadsWithPendingBytesReachDiscardSomeReadBytesSafely() {
        // ByteToMessageDecoder calls discardSomeReadBytes() on its cumulation every 16 reads.
        EmbeddedChannel ch = new EmbeddedChannel(new FixedLengthFrameDecoder(5));
        StringBuilder expected = new StringBuilder();
        List<String> frames = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String chunk = "abc".substring(0, 1 + i % 3);
            expected.append(chunk);
            ch.writeInbound(f.receive(i % 16, chunk));
            frames.addAll(readAll(ch));
        }
        assertThat(String.join("", frames)).isEqualTo(expected.substring(0, frames.size() * 5));
        assertThat(ch.finishAndReleaseAll()).isFalse();
        assertThat(f.pool.inUse()).isZero();
    }

    @Test
    void httpServerCodecParsesARequestSplitAcrossViews() {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(1024));
        String request = "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\n\r\nhello world";
        int[] cuts = {0, 7, 20, 41, 60, request.length()};
        for (int i = 0; i + 1 < cuts.length; i++) {
            ch.writeInbound(f.receive(i, request.substring(cuts[i], cuts[i + 1])));
        }
        FullHttpRequest req = ch.readInbound();
        try {
            assertThat(req.method()).isEqualTo(HttpMethod.POST);
            assertThat(req.uri()).isEqualTo("/echo");
            assertThat(req.headers().get("Host")).isEqualTo("localhost");
            assertThat(req.content().toString(StandardCharsets.US_ASCII)).isEqualTo("hello world");
        } finally {
            req.release();
        }
        assertThat(ch.finishAndReleaseAll()).isFalse();
        assertThat(f.pool.inUse()).isZero();
    }

    private static List<String> readAll(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        for (Object msg; (msg = ch.readInbound()) != null; ) {
            try {
                ByteBuf buf = msg instanceof ByteBufHolder h ? h.content() : (ByteBuf) msg;
                out.add(buf.toString(StandardCharsets.US_ASCII));
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
        return out;
    }
}
