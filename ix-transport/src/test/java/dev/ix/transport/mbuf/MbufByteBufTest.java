package dev.ix.transport.mbuf;

import dev.ix.transport.test.NettyLeakDetection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ByteProcessor;
import io.netty.util.CharsetUtil;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.ResourceLeakDetector;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class MbufByteBufTest {
    /** 23 bytes with every byte distinct, so a read at a wrong offset or in a wrong order shows. */
    private static final byte[] DATA = {
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, (byte) 0x89, (byte) 0x9a, (byte) 0xab, (byte) 0xbc,
        (byte) 0xcd, (byte) 0xde, (byte) 0xef, (byte) 0xf0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};

    private MbufFixture f;

    @BeforeEach
    void setUp() {
        f = new MbufFixture(256, 8, UnpooledByteBufAllocator.DEFAULT);
    }

    @AfterEach
    void tearDown() {
        assertThat(f.pool.close()).as("every test releases what it received").isZero();
    }

    @Test
    void viewCoversExactlyTheReceivedBytes() {
        ByteBuf buf = f.receive(3, DATA);
        assertThat(buf.refCnt()).isEqualTo(1);
        assertThat(buf.readerIndex()).isZero();
        assertThat(buf.writerIndex()).isEqualTo(DATA.length);
        assertThat(buf.capacity()).isEqualTo(DATA.length);
        assertThat(buf.maxCapacity()).isEqualTo(DATA.length);
        assertThat(buf.readableBytes()).isEqualTo(DATA.length);
        assertThat(ByteBufUtil.getBytes(buf)).isEqualTo(DATA);
        assertThatThrownBy(() -> buf.getByte(DATA.length)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buf.getInt(DATA.length - 3)).isInstanceOf(IndexOutOfBoundsException.class);
        buf.release();
    }

    @SuppressWarnings("deprecation") // ByteBuf.order()
    @Test
    void viewDescribesItselfAsADirectReadOnlyBufferOverTheSlot() {
        ByteBuf buf = f.receive(3, DATA);
        assertThat(buf.isReadOnly()).isTrue();
        assertThat(buf.isWritable()).isFalse();
        assertThat(buf.isWritable(1)).isFalse();
        assertThat(buf.writableBytes()).isZero();
        assertThat(buf.maxWritableBytes()).isZero();
        assertThat(buf.isDirect()).isTrue();
        assertThat(buf.isContiguous()).isTrue();
        assertThat(buf.hasMemoryAddress()).isTrue();
        assertThat(buf.memoryAddress()).isEqualTo(f.pool.slotAddress(3));
        assertThat(buf.hasArray()).isFalse();
        assertThatThrownBy(buf::array).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(buf::arrayOffset).isInstanceOf(UnsupportedOperationException.class);
        assertThat(buf.nioBufferCount()).isEqualTo(1);
        assertThat(buf.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(buf.unwrap()).isNull();
        assertThat(buf.alloc()).isSameAs(UnpooledByteBufAllocator.DEFAULT);
        assertThat(buf.asReadOnly()).isSameAs(buf);
        assertThat(buf.toString()).contains("slot: 3", "widx: 23");
        buf.release();
    }

    @SuppressWarnings("deprecation") // ByteBuf.order(ByteOrder)
    @Test
    void everyAccessorReadsLikeAHeapBufferWithTheSameBytes() {
        ByteBuf buf = f.receive(1, DATA);
        ByteBuf heap = Unpooled.wrappedBuffer(DATA);
        for (int i = 0; i < DATA.length; i++) {
            assertThat(buf.getByte(i)).isEqualTo(heap.getByte(i));
            assertThat(buf.getUnsignedByte(i)).isEqualTo(heap.getUnsignedByte(i));
            if (i + 2 <= DATA.length) {
                assertThat(buf.getShort(i)).as("getShort(%d)", i).isEqualTo(heap.getShort(i));
                assertThat(buf.getShortLE(i)).as("getShortLE(%d)", i).isEqualTo(heap.getShortLE(i));
                assertThat(buf.getUnsignedShort(i)).isEqualTo(heap.getUnsignedShort(i));
                assertThat(buf.getChar(i)).isEqualTo(heap.getChar(i));
            }
            if (i + 3 <= DATA.length) {
                assertThat(buf.getMedium(i)).as("getMedium(%d)", i).isEqualTo(heap.getMedium(i));
                assertThat(buf.getMediumLE(i)).as("getMediumLE(%d)", i).isEqualTo(heap.getMediumLE(i));
                assertThat(buf.getUnsignedMedium(i)).isEqualTo(heap.getUnsignedMedium(i));
                assertThat(buf.getUnsignedMediumLE(i)).isEqualTo(heap.getUnsignedMediumLE(i));
            }
            if (i + 4 <= DATA.length) {
                assertThat(buf.getInt(i)).as("getInt(%d)", i).isEqualTo(heap.getInt(i));
                assertThat(buf.getIntLE(i)).as("getIntLE(%d)", i).isEqualTo(heap.getIntLE(i));
                assertThat(buf.getUnsignedInt(i)).isEqualTo(heap.getUnsignedInt(i));
                assertThat(buf.getFloat(i)).isEqualTo(heap.getFloat(i));
            }
            if (i + 8 <= DATA.length) {
                assertThat(buf.getLong(i)).as("getLong(%d)", i).isEqualTo(heap.getLong(i));
                assertThat(buf.getLongLE(i)).as("getLongLE(%d)", i).isEqualTo(heap.getLongLE(i));
                assertThat(buf.getDouble(i)).isEqualTo(heap.getDouble(i));
            }
        }
        assertThat(buf.readInt()).isEqualTo(0x01020304);
        assertThat(buf.readLongLE()).isEqualTo(heap.getLongLE(4));
        assertThat(buf.readerIndex()).isEqualTo(12);
        assertThat(buf.indexOf(0, DATA.length, (byte) 0x55)).isEqualTo(20);
        assertThat(buf.bytesBefore((byte) 0x11)).isEqualTo(4);
        assertThat(buf.forEachByte(ByteProcessor.FIND_NUL)).isEqualTo(-1);
        buf.readerIndex(0);
        assertThat(ByteBufUtil.equals(buf, heap)).isTrue();
        assertThat(buf).isEqualTo(heap);
        assertThat(buf.hashCode()).isEqualTo(heap.hashCode());
        assertThat(ByteBufUtil.hexDump(buf)).isEqualTo(ByteBufUtil.hexDump(DATA));
        assertThat(buf.order(ByteOrder.LITTLE_ENDIAN).getInt(0)).isEqualTo(0x04030201);
        buf.release();
    }

    @Test
    void everyWriteThrowsReadOnlyBufferExceptionAndLeavesTheBytesAlone() {
        ByteBuf buf = f.receive(0, DATA);
        ByteBuf src = Unpooled.wrappedBuffer(new byte[] {9, 9, 9, 9, 9, 9, 9, 9});
        Map<String, ThrowingCallable> writes = new LinkedHashMap<>();
        writes.put("setByte", () -> buf.setByte(0, 9));
        writes.put("setBoolean", () -> buf.setBoolean(0, true));
        writes.put("setShort", () -> buf.setShort(0, 9));
        writes.put("setShortLE", () -> buf.setShortLE(0, 9));
        writes.put("setMedium", () -> buf.setMedium(0, 9));
        writes.put("setMediumLE", () -> buf.setMediumLE(0, 9));
        writes.put("setInt", () -> buf.setInt(0, 9));
        writes.put("setIntLE", () -> buf.setIntLE(0, 9));
        writes.put("setLong", () -> buf.setLong(0, 9));
        writes.put("setLongLE", () -> buf.setLongLE(0, 9));
        writes.put("setChar", () -> buf.setChar(0, 9));
        writes.put("setFloat", () -> buf.setFloat(0, 9));
        writes.put("setFloatLE", () -> buf.setFloatLE(0, 9));
        writes.put("setDouble", () -> buf.setDouble(0, 9));
        writes.put("setDoubleLE", () -> buf.setDoubleLE(0, 9));
        writes.put("setBytes(byte[])", () -> buf.setBytes(0, new byte[] {9}));
        writes.put("setBytes(byte[],int,int)", () -> buf.setBytes(0, new byte[] {9}, 0, 1));
        writes.put("setBytes(ByteBuf)", () -> buf.setBytes(0, src));
        writes.put("setBytes(ByteBuf,int)", () -> buf.setBytes(0, src, 1));
        writes.put("setBytes(ByteBuf,int,int)", () -> buf.setBytes(0, src, 0, 1));
        writes.put("setBytes(ByteBuffer)", () -> buf.setBytes(0, ByteBuffer.allocate(1)));
        writes.put("setBytes(InputStream)", () -> buf.setBytes(0, new ByteArrayInputStream(new byte[1]), 1));
        writes.put("setZero", () -> buf.setZero(0, 4));
        writes.put("setCharSequence(UTF-8)", () -> buf.setCharSequence(0, "zz", CharsetUtil.UTF_8));
        writes.put("setCharSequence(ASCII)", () -> buf.setCharSequence(0, "zz", CharsetUtil.US_ASCII));
        writes.put("writeByte", () -> buf.writeByte(9));
        writes.put("writeBoolean", () -> buf.writeBoolean(true));
        writes.put("writeShort", () -> buf.writeShort(9));
        writes.put("writeShortLE", () -> buf.writeShortLE(9));
        writes.put("writeMedium", () -> buf.writeMedium(9));
        writes.put("writeMediumLE", () -> buf.writeMediumLE(9));
        writes.put("writeInt", () -> buf.writeInt(9));
        writes.put("writeIntLE", () -> buf.writeIntLE(9));
        writes.put("writeLong", () -> buf.writeLong(9));
        writes.put("writeLongLE", () -> buf.writeLongLE(9));
        writes.put("writeChar", () -> buf.writeChar(9));
        writes.put("writeFloat", () -> buf.writeFloat(9));
        writes.put("writeFloatLE", () -> buf.writeFloatLE(9));
        writes.put("writeDouble", () -> buf.writeDouble(9));
        writes.put("writeDoubleLE", () -> buf.writeDoubleLE(9));
        writes.put("writeBytes(byte[])", () -> buf.writeBytes(new byte[] {9}));
        writes.put("writeBytes(byte[],int,int)", () -> buf.writeBytes(new byte[] {9}, 0, 1));
        writes.put("writeBytes(ByteBuf)", () -> buf.writeBytes(src.duplicate()));
        writes.put("writeBytes(ByteBuf,int)", () -> buf.writeBytes(src.duplicate(), 1));
        writes.put("writeBytes(ByteBuf,int,int)", () -> buf.writeBytes(src, 0, 1));
        writes.put("writeBytes(ByteBuffer)", () -> buf.writeBytes(ByteBuffer.allocate(1)));
        writes.put("writeBytes(InputStream)", () -> buf.writeBytes(new ByteArrayInputStream(new byte[1]), 1));
        writes.put("writeZero", () -> buf.writeZero(1));
        writes.put("writeCharSequence", () -> buf.writeCharSequence("zz", CharsetUtil.UTF_8));
        writes.put("capacity(int)", () -> buf.capacity(64));
        writes.put("ensureWritable", () -> buf.ensureWritable(1));
        writes.put("discardReadBytes", buf::discardReadBytes);

        // With the writer index lowered there is room in the capacity: the writes must still refuse.
        for (int lowered = 0; lowered < 2; lowered++) {
            for (Map.Entry<String, ThrowingCallable> write : writes.entrySet()) {
                buf.setIndex(0, lowered == 0 ? DATA.length : 0);
                assertThat(catchThrowable(write.getValue()))
                        .as("%s with writerIndex %d", write.getKey(), buf.writerIndex())
                        .isInstanceOf(ReadOnlyBufferException.class);
            }
        }
        buf.setIndex(0, DATA.length);
        assertThat(ByteBufUtil.getBytes(buf)).isEqualTo(DATA);
        assertThat(buf.ensureWritable(1, true)).as("cannot be made writable").isEqualTo(1);
        src.release();
        buf.release();
    }

    @Test
    void discardSomeReadBytesKeepsTheBytesInPlace() {
        ByteBuf buf = f.receive(0, DATA);
        buf.readerIndex(20);
        assertThat(buf.discardSomeReadBytes()).isSameAs(buf);
        assertThat(buf.readerIndex()).isEqualTo(20);
        assertThat(buf.readByte()).isEqualTo(DATA[20]);
        buf.release();
    }

    @Test
    void useAfterReleaseThrowsIllegalReferenceCountException() {
        ByteBuf buf = f.receive(0, DATA);
        assertThat(buf.release()).isTrue();
        assertThat(buf.refCnt()).isZero();
        ThrowingCallable[] uses = {
            () -> buf.getByte(0), buf::readByte, () -> buf.getLong(0), () -> buf.getBytes(0, new byte[2]),
            buf::memoryAddress, buf::nioBuffer, buf::copy, buf::slice, buf::duplicate, buf::retain,
            () -> buf.toString(StandardCharsets.US_ASCII), () -> buf.internalNioBuffer(0, 1)};
        for (ThrowingCallable use : uses) {
            assertThatThrownBy(use).isInstanceOf(IllegalReferenceCountException.class);
        }
        assertThat(buf.toString()).contains("freed");
        assertThat(f.recycled).containsExactly(0);
    }

    @Test
    void doubleReleaseThrowsAndRecyclesOnlyOnce() {
        ByteBuf buf = f.receive(0, DATA);
        buf.release();
        assertThatThrownBy(buf::release).isInstanceOf(IllegalReferenceCountException.class);
        assertThatThrownBy(() -> buf.release(2)).isInstanceOf(IllegalReferenceCountException.class);
        assertThat(f.recycled).containsExactly(0);
        assertThat(f.pool.inUse()).isZero();
    }

    @Test
    void retainKeepsTheSlotUntilTheLastRelease() {
        ByteBuf buf = f.receive(0, DATA);
        buf.retain(2);
        assertThat(buf.release()).isFalse();
        assertThat(buf.release()).isFalse();
        assertThat(f.recycled).isEmpty();
        assertThat(buf.release()).isTrue();
        assertThat(f.recycled).containsExactly(0);
    }

    @Test
    void slicesAndDuplicatesShareTheBytesAndAreReadOnly() {
        ByteBuf buf = f.receive(2, DATA);
        buf.readerIndex(4);
        ByteBuf slice = buf.slice();
        ByteBuf duplicate = buf.duplicate();
        ByteBuf part = buf.slice(8, 4);
        for (ByteBuf derived : new ByteBuf[] {slice, duplicate, part}) {
            assertThat(derived.isReadOnly()).isTrue();
            assertThat(derived.hasMemoryAddress()).isTrue();
            assertThatThrownBy(() -> derived.setByte(0, 1)).isInstanceOf(ReadOnlyBufferException.class);
            assertThatThrownBy(() -> derived.setInt(0, 1)).isInstanceOf(ReadOnlyBufferException.class);
            assertThatThrownBy(() -> derived.setBytes(0, new byte[1])).isInstanceOf(ReadOnlyBufferException.class);
            assertThat(derived.refCnt()).isEqualTo(1);
        }
        assertThat(slice.readableBytes()).isEqualTo(DATA.length - 4);
        assertThat(slice.getInt(0)).isEqualTo(0x05060708);
        assertThat(slice.memoryAddress()).isEqualTo(buf.memoryAddress() + 4);
        assertThat(duplicate.readerIndex()).isEqualTo(4);
        assertThat(part.getInt(0)).isEqualTo(0x899aabbc);
        assertThat(buf.release()).isTrue();
        assertThatThrownBy(() -> slice.getByte(0)).isInstanceOf(IllegalReferenceCountException.class);
        assertThatThrownBy(duplicate::readByte).isInstanceOf(IllegalReferenceCountException.class);
    }

    @Test
    void retainedSlicesHoldTheSlotUntilReleased() {
        ByteBuf buf = f.receive(4, DATA);
        ByteBuf head = buf.readRetainedSlice(8);
        ByteBuf rest = buf.retainedSlice();
        ByteBuf whole = buf.retainedDuplicate();
        assertThat(buf.readerIndex()).isEqualTo(8);
        assertThat(head.getLong(0)).isEqualTo(0x0102030405060708L);
        assertThat(rest.getByte(0)).isEqualTo(DATA[8]);
        assertThat(head.isReadOnly()).isTrue();
        assertThatThrownBy(() -> head.setByte(0, 0)).isInstanceOf(ReadOnlyBufferException.class);

        buf.release();
        head.release();
        rest.release();
        assertThat(f.recycled).isEmpty();
        assertThat(f.pool.inUse()).isEqualTo(1);
        assertThat(whole.release()).isTrue();
        assertThat(f.recycled).containsExactly(4);
        assertThat(f.pool.inUse()).isZero();
    }

    @Test
    void nioBufferIsAReadOnlyDirectViewOfTheSlotWithoutCopy() {
        ByteBuf buf = f.receive(5, DATA);
        ByteBuffer nio = buf.nioBuffer(4, 8);
        assertThat(nio.isDirect()).isTrue();
        assertThat(nio.isReadOnly()).isTrue();
        assertThat(nio.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(nio.position()).isZero();
        assertThat(nio.remaining()).isEqualTo(8);
        assertThat(MemorySegment.ofBuffer(nio).address()).isEqualTo(f.pool.slotAddress(5) + 4);
        assertThat(nio.getInt()).isEqualTo(0x05060708);
        assertThatThrownBy(() -> nio.put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);

        ByteBuffer[] all = buf.nioBuffers();
        assertThat(all).hasSize(1);
        assertThat(all[0].remaining()).isEqualTo(DATA.length);
        assertThat(all[0].isReadOnly()).isTrue();

        ByteBuffer internal = buf.internalNioBuffer(2, 3);
        assertThat(internal.isReadOnly()).isTrue();
        assertThat(internal.position()).isEqualTo(2);
        assertThat(internal.limit()).isEqualTo(5);
        assertThat(internal.get()).isEqualTo(DATA[2]);
        assertThat(buf.internalNioBuffer(0, DATA.length).remaining()).isEqualTo(DATA.length);
        buf.release();
    }

    @Test
    void getBytesCopiesIntoArraysBuffersAndStreams(@TempDir Path dir) throws Exception {
        ByteBuf buf = f.receive(6, DATA);

        byte[] array = new byte[10];
        buf.getBytes(2, array, 1, 8);
        assertThat(array).containsExactly(0, 3, 4, 5, 6, 7, 8, 0x89, 0x9a, 0);

        ByteBuf heap = Unpooled.buffer(DATA.length);
        ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer(DATA.length);
        ByteBuf composite = Unpooled.compositeBuffer().addComponents(true,
                Unpooled.buffer(10).writerIndex(10), ByteBufAllocator.DEFAULT.directBuffer(13).writerIndex(13));
        for (ByteBuf dst : new ByteBuf[] {heap, direct, composite}) {
            buf.getBytes(0, dst, 0, DATA.length);
            dst.setIndex(0, DATA.length);
            assertThat(ByteBufUtil.getBytes(dst)).as("getBytes into %s", dst).isEqualTo(DATA);
            dst.clear().writeBytes(buf, 0, DATA.length);
            assertThat(ByteBufUtil.getBytes(dst)).as("%s.writeBytes", dst).isEqualTo(DATA);
            dst.release();
        }

        ByteBuffer heapNio = ByteBuffer.allocate(30).position(5).limit(5 + DATA.length);
        buf.getBytes(0, heapNio);
        assertThat(heapNio.position()).isEqualTo(5 + DATA.length);
        assertThat(heapNio.get(5)).isEqualTo(DATA[0]);
        ByteBuffer directNio = ByteBuffer.allocateDirect(4);
        buf.getBytes(19, directNio);
        assertThat(directNio.flip().getInt()).isEqualTo(0x44556677);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        buf.getBytes(0, out, DATA.length);
        assertThat(out.toByteArray()).isEqualTo(DATA);

        Path file = dir.resolve("out");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            assertThat(buf.getBytes(0, ch, 4)).isEqualTo(4);
            assertThat(buf.getBytes(4, ch, 100, 4)).isEqualTo(4);
        }
        byte[] written = Files.readAllBytes(file);
        assertThat(written).hasSize(104);
        assertThat(written[0]).isEqualTo(DATA[0]);
        assertThat(written[100]).isEqualTo(DATA[4]);

        assertThat(buf.readerIndex()).as("absolute getBytes leave the indices alone").isZero();
        buf.release();
    }

    @Test
    void getBytesRefusesReadOnlyDestinations() {
        ByteBuf buf = f.receive(6, DATA);
        ByteBuf other = f.receive(7, "other slot");
        assertThatThrownBy(() -> buf.getBytes(0, other, 0, 4)).isInstanceOf(ReadOnlyBufferException.class);
        assertThatThrownBy(() -> buf.getBytes(0, ByteBuffer.allocate(4).asReadOnlyBuffer()))
                .isInstanceOf(ReadOnlyBufferException.class);
        assertThat(other.toString(StandardCharsets.US_ASCII)).isEqualTo("other slot");
        other.release();
        buf.release();
    }

    @Test
    void copyIsAWritableBufferFromTheAllocatorThatOutlivesTheView() {
        ByteBuf buf = f.receive(0, DATA);
        buf.readerIndex(4);
        ByteBuf copy = buf.copy();
        ByteBuf part = buf.copy(8, 4);
        buf.release();
        assertThat(copy.isReadOnly()).isFalse();
        assertThat(copy.alloc()).isSameAs(UnpooledByteBufAllocator.DEFAULT);
        assertThat(copy.readableBytes()).isEqualTo(DATA.length - 4);
        assertThat(copy.getInt(0)).isEqualTo(0x05060708);
        copy.setByte(0, 0x7f).writeByte(1);
        assertThat(part.getInt(0)).isEqualTo(0x899aabbc);
        copy.release();
        part.release();
        assertThat(f.recycled).containsExactly(0);
    }

    @Test
    void staleReferenceSeesTheSlotsNextContents() throws Exception {
        NettyLeakDetection.withLevel(ResourceLeakDetector.Level.DISABLED, () -> {
            ByteBuf first = f.receive(0, "old");
            first.release();
            ByteBuf second = f.receive(0, "new!");
            // Documented consequence of reusing one view per slot, as with Netty's pooled buffers.
            assertThat(first.toString(StandardCharsets.US_ASCII)).isEqualTo("new!");
            second.release();
        });
    }

    @Test
    void staleReferenceToATrackedViewThrowsEvenAfterTheSlotIsReceivedAgain() throws Exception {
        NettyLeakDetection.withLevel(ResourceLeakDetector.Level.PARANOID, () -> {
            ByteBuf first = f.receive(0, "old");
            first.release();
            ByteBuf second = f.receive(0, "new!");
            assertThat(second).as("a tracked hand-out is a fresh view").isNotSameAs(first);
            assertThatThrownBy(() -> first.toString(StandardCharsets.US_ASCII))
                    .isInstanceOf(IllegalReferenceCountException.class);
            assertThatThrownBy(first::release).isInstanceOf(IllegalReferenceCountException.class);
            assertThat(second.refCnt()).as("the stale release did not touch the new owner's buffer").isOne();
            assertThat(second.toString(StandardCharsets.US_ASCII)).isEqualTo("new!");
            second.release();
        });
    }

    @Test
    void emptyReceiveIsAValidEmptyBuffer() {
        ByteBuf buf = f.receive(1, new byte[0]);
        assertThat(buf.isReadable()).isFalse();
        assertThat(buf.capacity()).isZero();
        assertThat(buf.nioBuffer().remaining()).isZero();
        buf.release();
    }
}
