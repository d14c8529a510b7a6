package dev.ix.transport;

import dev.ix.transport.test.Poll;
import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The send path without hidden copies: composites gathered part by part, file regions spliced or mapped. */
@RequiresIoUring
class IxSendPathTest {
    private EventLoopGroup group;
    private Channel server;
    private Path file;

    @AfterEach
    void shutdown() throws Exception {
        if (file != null) {
            Files.deleteIfExists(file);
        }
        if (server != null) {
            server.close().sync();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS);
        }
    }

    /** A server that runs {@code onActive} for each accepted connection, on its loop. */
    private InetSocketAddress serve(int sndBuf, Consumer<ChannelHandlerContext> onActive) throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, IxIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap().group(group).channel(IxServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        onActive.accept(ctx);
                    }
                });
        if (sndBuf > 0) {
            b.childOption(ChannelOption.SO_SNDBUF, sndBuf);
        }
        server = b.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        return (InetSocketAddress) server.localAddress();
    }

    /** Reads to the end of stream, {@code chunk} bytes at a time with a pause between reads when slow. */
    static byte[] readAll(InetSocketAddress address, boolean slow) throws Exception {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(slow ? 4096 : 1 << 20);
            s.connect(address);
            s.setSoTimeout(60_000);
            InputStream in = s.getInputStream();
            if (!slow) {
                return in.readAllBytes();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[64 * 1024];
            int n;
            int reads = 0;
            while ((n = in.read(chunk)) >= 0) {
                out.write(chunk, 0, n);
                if (++reads % 16 == 0) {
                    Thread.sleep(1);
                }
            }
            return out.toByteArray();
        }
    }

    static byte[] pattern(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + seed + (i >>> 11));
        }
        return b;
    }

    /** A composite of direct parts of varied sizes cut from {@code data}, one extra heap part when asked. */
    private static CompositeByteBuf composite(ChannelHandlerContext ctx, byte[] data, int parts, boolean heapPart) {
        CompositeByteBuf c = ctx.alloc().compositeDirectBuffer(Integer.MAX_VALUE);
        int off = 0;
        for (int i = 0; i < parts; i++) {
            int len = i == parts - 1 ? data.length - off : Math.min(data.length - off, 1 + (i * 7919) % 97);
            ByteBuf part = heapPart && i == parts / 2 ? Unpooled.wrappedBuffer(data, off, len)
                    : ctx.alloc().directBuffer(len).writeBytes(data, off, len);
            c.addComponent(true, part);
            off += len;
        }
        return c;
    }

    @Test
    void compositeOfDirectBuffersIsGatheredWithoutACopy() throws Exception {
        byte[] data = pattern(20_000, 1);
        CompletableFuture<Boolean> sameInstance = new CompletableFuture<>();
        InetSocketAddress address = serve(4096, ctx -> {
            CompositeByteBuf c = composite(ctx, data, 40, false);
            assertThat(c.isDirect()).isTrue();
            assertThat(c.hasMemoryAddress()).isFalse();
            ChannelFuture written = ctx.writeAndFlush(c);
            // The send is in the kernel now: the flushed message it reads from is the composite, not a copy.
            sameInstance.complete(ctx.channel().unsafe().outboundBuffer().current() == c);
            written.addListener(ChannelFutureListener.CLOSE);
        });
        assertThat(readAll(address, true)).isEqualTo(data);
        assertThat(sameInstance.get(10, TimeUnit.SECONDS)).as("composite kept, not copied").isTrue();
    }

    @Test
    void compositeWithAHeapPartIsCopiedAndArrivesWhole() throws Exception {
        byte[] data = pattern(50_000, 2);
        CompletableFuture<Boolean> sameInstance = new CompletableFuture<>();
        InetSocketAddress address = serve(0, ctx -> {
            CompositeByteBuf c = composite(ctx, data, 30, true);
            ChannelFuture written = ctx.writeAndFlush(c);
            sameInstance.complete(ctx.channel().unsafe().outboundBuffer().current() == c);
            written.addListener(ChannelFutureListener.CLOSE);
        });
        assertThat(readAll(address, false)).isEqualTo(data);
        assertThat(sameInstance.get(10, TimeUnit.SECONDS)).as("a heap part needs the copy").isFalse();
    }

    @Test
    void compositesOfMoreThanIovMaxPartsAmongPlainBuffersArriveByteExact() throws Exception {
        byte[] a = pattern(300_000, 3);
        byte[] b = pattern(1000, 4);
        byte[] c = pattern(100_000, 5);
        InetSocketAddress address = serve(8192, ctx -> {
            ctx.write(composite(ctx, a, 3000, false));
            ctx.write(ctx.alloc().directBuffer(b.length).writeBytes(b));
            ctx.write(composite(ctx, c, dev.ix.transport.uring.Net.IOV_MAX + 1, false));
            for (int i = 0; i < 5; i++) {
                ctx.write(composite(ctx, b, 3, false));
            }
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        });
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(a);
        expected.write(b);
        expected.write(c);
        for (int i = 0; i < 5; i++) {
            expected.write(b);
        }
        assertThat(readAll(address, true)).isEqualTo(expected.toByteArray());
    }

    // ---------------------------------------------------------------- file regions

    private static final byte[] TRAILER = "-- after the region --".getBytes(StandardCharsets.US_ASCII);

    private byte[] tempFile(int size) throws IOException {
        byte[] data = pattern(size, 7);
        file = Files.createTempFile("ix-send", ".bin");
        Files.write(file, data);
        return data;
    }

    /** A region of the temp file: built from the File (spliced) or from a FileChannel (mapped). */
    private DefaultFileRegion region(boolean fromFile, long position, long count) {
        if (fromFile) {
            return new DefaultFileRegion(file.toFile(), position, count);
        }
        try {
            return new DefaultFileRegion(new RandomAccessFile(file.toFile(), "r").getChannel(), position, count);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends {@code [position, position + count)} of a file of {@code size} bytes as one region and checks what the
     * peer reads; the region is retained to look at it after the write: a spliced region is never opened by Netty.
     */
    private void sendRegion(int size, long position, int count, boolean fromFile, boolean slowReader)
            throws Exception {
        byte[] data = tempFile(size);
        CompletableFuture<DefaultFileRegion> written = new CompletableFuture<>();
        InetSocketAddress address = serve(slowReader ? 8192 : 0, ctx -> {
            DefaultFileRegion r = region(fromFile, position, count);
            r.retain();
            ctx.write(r).addListener(f -> {
                if (f.isSuccess()) {
                    written.complete(r);
                } else {
                    r.release();
                    written.completeExceptionally(f.cause());
                }
            });
            // Bytes a full socket left in the pipe go out before this trailer.
            ctx.writeAndFlush(ctx.alloc().directBuffer(TRAILER.length).writeBytes(TRAILER))
                    .addListener(ChannelFutureListener.CLOSE);
        });
        byte[] received = readAll(address, slowReader);
        DefaultFileRegion r = written.get(30, TimeUnit.SECONDS);
        try {
            byte[] expected = Arrays.copyOfRange(data, (int) position, (int) position + count + TRAILER.length);
            System.arraycopy(TRAILER, 0, expected, count, TRAILER.length);
            assertThat(received).isEqualTo(expected);
            assertThat(r.transferred()).isEqualTo(count);
            assertThat(r.isOpen()).as("the region's own FileChannel was used").isEqualTo(!fromFile);
        } finally {
            r.release();
        }
    }

    @Test
    void regionFromAFileIsSplicedByteExactToAFastReader() throws Exception {
        sendRegion(5 << 20, 0, 5 << 20, true, false);
    }

    @Test
    void regionFromAFileIsSplicedByteExactToASlowReader() throws Exception {
        sendRegion(3 << 20, 0, 3 << 20, true, true);
    }

    @Test
    void regionFromAFileChannelIsSentFromAMappingToAFastReader() throws Exception {
        sendRegion(5 << 20, 0, 5 << 20, false, false);
    }

    @Test
    void regionFromAFileChannelIsSentFromAMappingToASlowReader() throws Exception {
        sendRegion(3 << 20, 0, 3 << 20, false, true);
    }

    @Test
    void splicedRegionInsideTheFileSendsExactlyItsBytes() throws Exception {
        sendRegion(2 << 20, 12_345, (1 << 20) + 777, true, true);
    }

    @Test
    void mappedRegionInsideTheFileSendsExactlyItsBytes() throws Exception {
        sendRegion(2 << 20, 12_345, (1 << 20) + 777, false, false);
    }

    @Test
    void closingMidSplicedRegionLeaksNoDescriptorAndReleasesTheRegionOnce() throws Exception {
        closeMidRegion(true);
    }

    @Test
    void closingMidMappedRegionLeaksNoDescriptorAndReleasesTheRegionOnce() throws Exception {
        closeMidRegion(false);
    }

    /** A region far larger than the socket buffers, to a peer that stops reading; the server closes mid-way. */
    private void closeMidRegion(boolean fromFile) throws Exception {
        int size = 32 << 20;
        tempFile(size);
        CompletableFuture<DefaultFileRegion> region = new CompletableFuture<>();
        CompletableFuture<Channel> child = new CompletableFuture<>();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        InetSocketAddress address = serve(16384, ctx -> {
            DefaultFileRegion r = region(fromFile, 0, size);
            region.complete(r);
            child.complete(ctx.channel());
            ctx.writeAndFlush(r).addListener(f -> outcome.complete(f.cause()));
        });
        long before = openDescriptors();
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(16384);
            s.connect(address);
            s.getInputStream().readNBytes(100_000); // some of the region went out, then the peer stops reading
            Channel ch = child.get(10, TimeUnit.SECONDS);
            assertThat(Poll.until(() -> region.join().transferred() > 0)).isTrue();
            ch.close().sync();
            assertThat(outcome.get(10, TimeUnit.SECONDS)).as("the region failed with the close").isNotNull();
        }
        DefaultFileRegion r = region.get();
        assertThat(r.refCnt()).as("released by the outbound buffer, once").isZero();
        assertThat(Poll.until(() -> openDescriptors() <= before))
                .as("descriptors: %d before, %d after", before, openDescriptors()).isTrue();
    }

    private static long openDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
