package dev.ix.transport.integrity;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Resets beside the checked streams: a second listener on the server group whose connections never read
 * ({@code autoRead} off from the start), and clients that send it 1–128 KiB and close with {@code SO_LINGER 0} —
 * half of them right after the flush, half once the write succeeded — so the server sees a reset with unread data
 * in its receive queue, again and again, on the loops that carry the checked streams. Errors on these connections
 * are expected and only counted; they must still all close.
 */
final class RstStorm {
    /** Storm connections open at once: enough to keep resets coming, few enough to leave the CPU to the streams. */
    private static final int IN_FLIGHT = 8;
    private static final int MAX_BYTES = 128 * 1024;

    private final Channel listener;
    private final Bootstrap client;
    private final Queue<Channel> channels = new ConcurrentLinkedQueue<>();
    private final Semaphore slots = new Semaphore(IN_FLIGHT);
    private final AtomicInteger resets = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();
    private final Thread driver;
    private volatile boolean stopped;

    RstStorm(ServerBootstrap server, Bootstrap client) throws InterruptedException {
        listener = server.childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new Counted())
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        this.client = client.option(ChannelOption.SO_LINGER, 0).handler(new Resetter())
                .remoteAddress(listener.localAddress());
        driver = Thread.ofPlatform().daemon().name("integrity-rst-storm").start(this::run);
    }

    private void run() {
        try {
            while (!stopped) {
                if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                client.connect().addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        errors.incrementAndGet();
                    }
                    f.channel().closeFuture().addListener(c -> slots.release());
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops starting connections, waits for those started to end, closes the listener.
     *
     * @return how many connections were reset
     */
    int stop() throws InterruptedException {
        stopped = true;
        driver.join();
        slots.tryAcquire(IN_FLIGHT, 60, TimeUnit.SECONDS);
        listener.close().sync();
        return resets.get();
    }

    /** @return every storm connection either end opened, to check they all closed */
    Queue<Channel> channels() {
        return channels;
    }

    int errors() {
        return errors.get();
    }

    /** Client end: send, then reset. */
    @ChannelHandler.Sharable
    private final class Resetter extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channels.add(ctx.channel());
            ThreadLocalRandom random = ThreadLocalRandom.current();
            ByteBuf data = ctx.alloc().directBuffer(MAX_BYTES);
            data.writerIndex(random.nextInt(1, MAX_BYTES + 1)); // content does not matter
            if (random.nextBoolean()) {
                ctx.writeAndFlush(data);
                ctx.close();
            } else {
                ctx.writeAndFlush(data).addListener(ChannelFutureListener.CLOSE);
            }
            resets.incrementAndGet();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.incrementAndGet();
            ctx.close();
        }
    }

    /** Server end: never reads; counts what the reset raises. */
    @ChannelHandler.Sharable
    private final class Counted extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channels.add(ctx.channel());
            ctx.fireChannelActive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.incrementAndGet();
            ctx.close();
        }
    }
}
