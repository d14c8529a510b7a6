package dev.ix.transport.mbuf;

import io.netty.buffer.AbstractReferenceCountedByteBuf;
import io.netty.buffer.ByteBuf;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.FileChannel;
import java.nio.channels.ScatteringByteChannel;
import java.nio.charset.Charset;

/**
 * A reference-counted {@link ByteBuf} whose content can never be changed through it: every {@code set*},
 * {@code write*}, {@code capacity(int)}, {@code ensureWritable(int)} and {@code discardReadBytes()} throws
 * {@link ReadOnlyBufferException} before looking at its arguments, as Netty's own read-only buffers do.
 *
 * <p>{@link AbstractReferenceCountedByteBuf} already routes most writes through {@code _set*}, but some paths write
 * through {@link #memoryAddress()} directly ({@code setCharSequence}/{@code writeCharSequence} use
 * {@code ByteBufUtil}'s unsafe fast path), and {@code write*} fail with an {@link IndexOutOfBoundsException} instead
 * (the buffer is full); so every writing method is overridden here.
 *
 * <p>Index changes ({@code readerIndex}, {@code writerIndex}, {@code clear}, marks) stay allowed: they do not touch
 * the content. {@link #discardSomeReadBytes()} is a hint that may discard nothing, so it does nothing here (it is
 * what {@code ByteToMessageDecoder} calls on its cumulation).
 *
 * <p>Known gap, shared with Netty's {@code ReadOnlyByteBuf}: the static {@code ByteBufUtil.writeUtf8} /
 * {@code writeAscii} / {@code reserveAndWriteUtf8} helpers write through {@code memoryAddress()} after their own
 * capacity check, without asking {@link #isReadOnly()}; they fail here only while {@code writerIndex == capacity}.
 */
abstract class AbstractReadOnlyByteBuf extends AbstractReferenceCountedByteBuf {

    AbstractReadOnlyByteBuf(int maxCapacity) {
        super(maxCapacity);
    }

    private static ReadOnlyBufferException readOnly() {
        return new ReadOnlyBufferException();
    }

    @Override
    public final boolean isReadOnly() {
        return true;
    }

    @Override
    public final ByteBuf asReadOnly() {
        return this;
    }

    @Override
    public final boolean isWritable() {
        return false;
    }

    @Override
    public final boolean isWritable(int numBytes) {
        return false;
    }

    @Override
    public final int writableBytes() {
        return 0;
    }

    @Override
    public final int maxWritableBytes() {
        return 0;
    }

    @Override
    public final int maxFastWritableBytes() {
        return 0;
    }

    @Override
    public final ByteBuf capacity(int newCapacity) {
        throw readOnly();
    }

    @Override
    public final ByteBuf ensureWritable(int minWritableBytes) {
        throw readOnly();
    }

    /** @return {@code 1}: the buffer cannot be made writable (capacity unchanged), as in Netty's read-only buffers */
    @Override
    public final int ensureWritable(int minWritableBytes, boolean force) {
        ensureAccessible();
        return 1;
    }

    @Override
    public final ByteBuf discardReadBytes() {
        throw readOnly();
    }

    @Override
    public final ByteBuf discardSomeReadBytes() {
        ensureAccessible();
        return this;
    }

    // ---- absolute writes

    @Override
    protected final void _setByte(int index, int value) {
        throw readOnly();
    }

    @Override
    protected final void _setShort(int index, int value) {
        throw readOnly();
    }

    @Override
    protected final void _setShortLE(int index, int value) {
        throw readOnly();
    }

    @Override
    protected final void _setMedium(int index, int value) {
        throw readOnly();
    }

    @Override
    protected final void _setMediumLE(int index, int value) {
        throw readOnly();
    }

    @Override
    protected final void _setInt(int index, int value) {
        throw readOnly();
    }

    @Override
    protected final void _setIntLE(int index, int value) {
        throw readOnly();
    }

    @Override
    protected final void _setLong(int index, long value) {
        throw readOnly();
    }

    @Override
    protected final void _setLongLE(int index, long value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf setBoolean(int index, boolean value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf setByte(int index, int value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf setShort(int index, int value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf setShortLE(int index, int value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf setMedium(int index, int value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf setMediumLE(int index, int value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf setInt(int index, int value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf setIntLE(int index, int value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf setLong(int index, long value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf setLongLE(int index, long value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf setChar(int index, int value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf setFloat(int index, float value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf setFloatLE(int index, float value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf setDouble(int index, double value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf setDoubleLE(int index, double value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf setBytes(int index, ByteBuf src) {
        throw readOnly();
    }

    @Override
    public final ByteBuf setBytes(int index, ByteBuf src, int length) {
        throw readOnly();
    }

    @Override
    public final ByteBuf setBytes(int index, ByteBuf src, int srcIndex, int length) {
        throw readOnly();
    }

    @Override
    public final ByteBuf setBytes(int index, byte[] src) {
        throw readOnly();
    }

    @Override
    public final ByteBuf setBytes(int index, byte[] src, int srcIndex, int length) {
        throw readOnly();
    }

    @Override
    public final ByteBuf setBytes(int index, ByteBuffer src) {
        throw readOnly();
    }

    @Override
    public final int setBytes(int index, InputStream in, int length) {
        throw readOnly();
    }

    @Override
    public final int setBytes(int index, ScatteringByteChannel in, int length) {
        throw readOnly();
    }

    @Override
    public final int setBytes(int index, FileChannel in, long position, int length) {
        throw readOnly();
    }

    @Override
    public final ByteBuf setZero(int index, int length) {
        throw readOnly();
    }

    @Override
    public final int setCharSequence(int index, CharSequence sequence, Charset charset) {
        throw readOnly();
    }

    // ---- relative writes

    @Override
    public final ByteBuf writeBoolean(boolean value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf writeByte(int value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf writeShort(int value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf writeShortLE(int value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf writeMedium(int value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf writeMediumLE(int value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf writeInt(int value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf writeIntLE(int value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf writeLong(long value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf writeLongLE(long value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf writeChar(int value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf writeFloat(float value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf writeFloatLE(float value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf writeDouble(double value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf writeDoubleLE(double value) {
        throw readOnly();
    }

    @Override
    public final ByteBuf writeBytes(ByteBuf src) {
        throw readOnly();
    }

    @Override
    public final ByteBuf writeBytes(ByteBuf src, int length) {
        throw readOnly();
    }

    @Override
    public final ByteBuf writeBytes(ByteBuf src, int srcIndex, int length) {
        throw readOnly();
    }

    @Override
    public final ByteBuf writeBytes(byte[] src) {
        throw readOnly();
    }

    @Override
    public final ByteBuf writeBytes(byte[] src, int srcIndex, int length) {
        throw readOnly();
    }

    @Override
    public final ByteBuf writeBytes(ByteBuffer src) {
        throw readOnly();
    }

    @Override
    public final int writeBytes(InputStream in, int length) {
        throw readOnly();
    }

    @Override
    public final int writeBytes(ScatteringByteChannel in, int length) {
        throw readOnly();
    }

    @Override
    public final int writeBytes(FileChannel in, long position, int length) {
        throw readOnly();
    }

    @Override
    public final ByteBuf writeZero(int length) {
        throw readOnly();
    }

    @Override
    public final int writeCharSequence(CharSequence sequence, Charset charset) {
        throw readOnly();
    }
}
