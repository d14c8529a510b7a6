package dev.ix.reactor;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link GatheringWriter} on an {@link EmbeddedChannel}, which plays the transport: what it holds in its outbound
 * queue is a buffer "still sending"; releasing what {@code readOutbound()} returns is the send completing.
 */
class GatheringWriterTest {
    private EmbeddedChannel channel;
    private GatheringWriter writer;

    @BeforeEach
    void open() {
        channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        ChannelHandlerContext ctx = channel.pipeline().firstContext();
        writer = new GatheringWriter(ctx);
    }

    @AfterEach
    void close() {
        writer.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void gathersTheNextTurnIntoTheBufferTheTransportReleased() {
        ByteBuf first = turn("first");
        ByteBuf sent = channel.readOutbound();
        assertThat(sent).isSameAs(first);
        assertThat(sent.refCnt()).as("the transport's reference and the writer's").isEqualTo(2);
        sent.release(); // the send completed

        ByteBuf second = turn("second");
        assertThat(second).isSameAs(first);
        assertThat(text(channel.readOutbound())).isEqualTo("second");
    }

    @Test
    void neverWritesIntoABufferStillSending() {
        ByteBuf first = turn("first");
        ByteBuf second = turn("second"); // the first is still in the outbound queue

        assertThat(second).isNotSameAs(first);
        assertThat(first.refCnt()).as("only the transport's reference left").isEqualTo(1);
        assertThat(text(channel.readOutbound())).isEqualTo("first");
        assertThat(text(channel.readOutbound())).isEqualTo("second");
    }

    @Test
    void neverWritesIntoAPartlySentBuffer() {
        ByteBuf first = turn("first");
        ByteBuf sending = channel.readOutbound();
        sending.skipBytes(2); // the kernel took two bytes; the transport keeps the rest and its reference

        ByteBuf second = turn("second");
        assertThat(second).isNotSameAs(first);
        assertThat(text(sending)).as("the unsent rest, untouched").isEqualTo("rst");
        assertThat(first.refCnt()).isZero();
        assertThat(text(channel.readOutbound())).isEqualTo("second");
    }

    @Test
    void releaseDropsTheSpareOnceTheTransportIsDoneWithIt() {
        ByteBuf first = turn("first");
        writer.release();
        assertThat(first.refCnt()).as("the transport's reference only").isEqualTo(1);
        ByteBuf sent = channel.readOutbound();
        sent.release();
        assertThat(first.refCnt()).isZero();
    }

    @Test
    void releaseDropsTheSpareAlreadyReleasedByTheTransport() {
        ByteBuf first = turn("first");
        ((ByteBuf) channel.readOutbound()).release();
        writer.release();
        assertThat(first.refCnt()).isZero();
    }

    @Test
    void keepsNoSpareOfAWriteAfterRelease() {
        writer.release(); // the connection closed; a late answer is still written
        ByteBuf late = turn("late");
        assertThat(text(channel.readOutbound())).isEqualTo("late");
        assertThat(late.refCnt()).as("nothing left for a release() that will not come again").isZero();
    }

    @Test
    void keepsAnUnusedGatheringBufferWithoutWritingIt() {
        ByteBuf empty = writer.room(16);
        writer.writeOut();
        channel.flush();
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(empty.refCnt()).isEqualTo(1);
        assertThat(turn("next")).isSameAs(empty);
        assertThat(text(channel.readOutbound())).isEqualTo("next");
    }

    @Test
    void replacesASpareTooSmallForWhatTheCallerAsks() {
        ByteBuf first = turn("x");
        ((ByteBuf) channel.readOutbound()).release();
        int big = first.capacity() * 4;
        ByteBuf room = writer.room(big);
        assertThat(room).isNotSameAs(first);
        assertThat(room.writableBytes()).isGreaterThanOrEqualTo(big);
        assertThat(first.refCnt()).isZero();
    }

    @Test
    void sizesTheNextTurnsBufferByWhatTheWholeTurnGathered() {
        assertThat(gatherTurn(100, 30)).as("buffers of the first turn (the first one too small)").isGreaterThan(1);
        assertThat(gatherTurn(100, 30)).as("buffers of the next turn of the same size").isEqualTo(1);
        assertThat(gatherTurn(100, 20)).as("buffers of a smaller turn").isEqualTo(1);
    }

    /** @return how many buffers a turn of {@code pieces} writes of {@code size} bytes went out in */
    private int gatherTurn(int size, int pieces) {
        for (int i = 0; i < pieces; i++) {
            writer.room(size).writeZero(size);
        }
        writer.writeOut();
        channel.flush();
        int buffers = 0;
        for (ByteBuf b; (b = channel.readOutbound()) != null; b.release()) {
            buffers++;
        }
        return buffers;
    }

    @Test
    void rollsBackWhatWasGatheredSinceTheMark() {
        writer.room(8).writeBytes(bytes("kept "));
        long mark = writer.mark();
        writer.room(8).writeBytes(bytes("dropped"));
        writer.rollBack(mark);
        writer.room(8).writeBytes(bytes("error"));
        writer.writeOut();
        channel.flush();

        assertThat(text(channel.readOutbound())).isEqualTo("kept error");
    }

    /**
     * A buffer that fills after a mark leaves with the bytes before the mark only: those after it move to the next
     * buffer, so that the command can still drop them.
     */
    @Test
    void keepsTheBytesAfterTheMarkWhenTheBufferFills() {
        ByteBuf first = writer.room(8);
        int capacity = first.capacity();
        first.writeBytes(bytes("before|"));
        long mark = writer.mark();
        first.writeZero(capacity - first.writerIndex()); // fills it
        ByteBuf next = writer.room(capacity);
        assertThat(next).isNotSameAs(first);
        assertThat(writer.gathered()).as("the bytes after the mark moved along").isEqualTo(capacity - 7);

        writer.rollBack(mark);
        writer.room(5).writeBytes(bytes("after"));
        writer.writeOut();
        channel.flush();

        assertThat(text(channel.readOutbound())).isEqualTo("before|");
        assertThat(text(channel.readOutbound())).isEqualTo("after");
    }

    @Test
    void refusesToRollBackPastWhatWasWrittenOut() {
        writer.room(8).writeBytes(bytes("answer"));
        long mark = writer.mark();
        writer.writeOut();
        channel.flush();

        assertThatThrownBy(() -> writer.rollBack(mark)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no longer holds");
    }

    @Test
    void copiesSmallContentAfterTheGatheredBytesInCallOrder() {
        writer.room(4).writeBytes(bytes("head"));
        writer.write(Unpooled.directBuffer().writeBytes(bytes("-direct")));
        writer.write(Unpooled.buffer().writeBytes(bytes("-heap")));
        ByteBuf composite = Unpooled.compositeBuffer()
                .addComponent(true, Unpooled.directBuffer().writeBytes(bytes("-com")))
                .addComponent(true, Unpooled.directBuffer().writeBytes(bytes("posite")));
        writer.write(composite);
        ByteBuf big = Unpooled.directBuffer().writeZero(GatheringWriter.COPY_BELOW + 1);
        writer.write(big);
        writer.room(4).writeBytes(bytes("tail"));
        writer.writeOut();
        channel.flush();

        assertThat(text(channel.readOutbound())).isEqualTo("head-direct-heap-composite");
        ByteBuf own = channel.readOutbound();
        assertThat(own).as("big content goes as its own buffer").isSameAs(big);
        own.release();
        assertThat(text(channel.readOutbound())).isEqualTo("tail");
    }

    /**
     * Copying small content into the gathering buffer allocates nothing: Netty's pooled buffer copies from a buffer
     * of another kind (a receive view, an unpooled or a heap buffer) through a fresh {@code nioBuffer(..)} view per
     * call. Counted with HotSpot's per-thread allocation counter, leak tracking off (its records are allocations
     * too).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"direct", "heap"})
    void copiesSmallContentWithoutAllocating(String kind) {
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        ByteBuf body = (kind.equals("direct") ? Unpooled.directBuffer(64) : Unpooled.buffer(64))
                .writeBytes(bytes("Hello, World!"));
        try {
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            int writes = 100_000;
            copyMany(body, writes); // warm-up: compiled before it is counted
            long before = threads.getCurrentThreadAllocatedBytes();
            copyMany(body, writes);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(allocated).as("bytes allocated by %d copies (less than one per copy)", writes)
                    .isLessThan(writes);
        } finally {
            body.release();
            ResourceLeakDetector.setLevel(level);
        }
    }

    private void copyMany(ByteBuf body, int writes) {
        for (int i = 0; i < writes; i++) {
            writer.write(body.retain());
            writer.room(0).clear(); // keeps gathering into one buffer: no write to the pipeline is counted
        }
    }

    /** One turn: gathers {@code s} and writes it out. @return the gathering buffer it used */
    private ByteBuf turn(String s) {
        ByteBuf b = writer.room(s.length());
        b.writeBytes(bytes(s));
        writer.writeOut();
        channel.flush();
        return b;
    }

    /** @return the readable text of a buffer the transport took, which it then releases (the send completed) */
    private static String text(ByteBuf sent) {
        try {
            return sent.toString(StandardCharsets.US_ASCII);
        } finally {
            sent.release();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
