package dev.ix.bench.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A small HTTP/1.1 server on Netty's NIO transport for the generator's tests: it answers every request (a request
 * ends at its empty line; bodies are not expected) with a fixed response, after a delay a {@link Delay} decides.
 * Responses on one connection keep their order. Delays are scheduled on the server's loop, never slept.
 */
final class TestServer implements AutoCloseable {

    /** A well-formed 200 response with a 13-byte body. */
    static final String OK = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!";

    /** Decides when request {@code n} (0-based, over all connections) is answered. */
    interface Delay {
        /** @return how long after its arrival ({@code now}, ns) to answer it, ns */
        long nanos(long n, long now);
    }

    private final EventLoopGroup group;
    private final Channel server;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong closes = new AtomicLong();
    private final AtomicReference<String> firstRequest = new AtomicReference<>();

    private TestServer(Delay delay, byte[] response) throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            server = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new Responder(delay, response));
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            throw e;
        }
    }

    /** Answers at once with {@link #OK}. */
    static TestServer immediate() throws InterruptedException {
        return new TestServer((n, now) -> 0, bytes(OK));
    }

    static TestServer start(Delay delay) throws InterruptedException {
        return new TestServer(delay, bytes(OK));
    }

    /** Answers at once with {@code response}, whatever it is. */
    static TestServer answering(String response) throws InterruptedException {
        return new TestServer((n, now) -> 0, bytes(response));
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** @return requests received so far */
    long requests() {
        return requests.get();
    }

    /** @return connections that have closed so far */
    long closes() {
        return closes.get();
    }

    /** @return the bytes of the first request received, as text, or null */
    String firstRequest() {
        return firstRequest.get();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Finds the requests in a connection's bytes and schedules their responses. */
    private final class Responder extends ChannelInboundHandlerAdapter {
        private final Delay delay;
        private final byte[] response;
        private final StringBuilder first = new StringBuilder();
        /** How much of "\r\n\r\n" the bytes so far end with. */
        private int matched;
        private long lastDue;

        Responder(Delay delay, byte[] response) {
            this.delay = delay;
            this.response = response;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                boolean answered = false;
                while (in.isReadable()) {
                    byte b = in.readByte();
                    if (firstRequest.get() == null) {
                        first.append((char) b);
                    }
                    matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
                    if (matched == 4) {
                        matched = 0;
                        if (firstRequest.get() == null) {
                            firstRequest.compareAndSet(null, first.toString());
                        }
                        answered |= answer(ctx);
                    }
                }
                if (answered) {
                    ctx.flush();
                }
            } finally {
                in.release();
            }
        }

        /** @return whether it wrote at once (and a flush is due) */
        private boolean answer(ChannelHandlerContext ctx) {
            long now = System.nanoTime();
            long n = requests.getAndIncrement();
            long due = Math.max(now + delay.nanos(n, now), lastDue);
            lastDue = due;
            if (due <= now) {
                ctx.write(Unpooled.wrappedBuffer(response));
                return true;
            }
            ctx.executor().schedule(() -> {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(response));
            }, due - now, TimeUnit.NANOSECONDS);
            return false;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closes.incrementAndGet();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
