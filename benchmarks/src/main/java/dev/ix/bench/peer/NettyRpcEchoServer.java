package dev.ix.bench.peer;

import dev.ix.bench.load.RpcWire;
import dev.ix.samples.AllocationCounter;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The {@code netty-rpc-epoll} peer: the RPC echo server a Netty user would write for ix's RPC frames
 * ({@link RpcWire}) on Netty's epoll transport, the baseline of {@code ix-rpc} (the samples' {@code RpcEchoServer}
 * on ix). A {@link LengthFieldBasedFrameDecoder} cuts the frames; a handler answers each request frame with a
 * response frame of the same id and payload, encoded into one buffer as ix's RPC server does for small payloads, and
 * flushes once per read batch ({@code channelReadComplete}). A frame that is not a request closes the connection. As
 * the samples' {@code RpcEchoServer}, it answers a request carrying {@link AllocationCounter#RPC_QUERY} with the heap
 * bytes its JVM has allocated.
 * One event loop group both accepts and serves, as the {@code HelloServer} peers do.
 *
 * <p>Options: {@code --host ADDRESS} (default 0.0.0.0), {@code --port N} (default 7000), {@code --threads N}
 * (default 1). Once bound it prints {@code NettyRpcEchoServer on epoll (N event loops) listening on host:port};
 * serves until the JVM is stopped.
 */
public final class NettyRpcEchoServer implements AutoCloseable {

    /** Port used without {@code --port}: {@value}, as the samples' RpcEchoServer. */
    public static final int DEFAULT_PORT = 7000;

    private final EventLoopGroup group;
    private final Channel listener;

    private NettyRpcEchoServer(EventLoopGroup group, Channel listener) {
        this.group = group;
        this.listener = listener;
    }

    /**
     * Binds the server and returns once it listens.
     *
     * @param port    the port, 0 for a free one ({@link #port()} tells which)
     * @param threads event loops, at least 1
     * @return the running server, owned by the caller, who must {@link #close()} it
     * @throws IllegalArgumentException if {@code port} or {@code threads} is out of range
     * @throws IllegalStateException    if epoll cannot run here, or the bind fails (the message names the address)
     */
    public static NettyRpcEchoServer start(String host, int port, int threads) {
        if (port < 0 || port > 65535 || threads < 1) {
            throw new IllegalArgumentException("port: " + port + ", threads: " + threads + " (expected: port 0..65535,"
                    + " threads >= 1)");
        }
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("epoll transport unavailable: " + Epoll.unavailabilityCause());
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("netty-rpc"),
                EpollIoHandler.newFactory());
        try {
            Channel listener = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            // Strips the length field: the handler sees id, kind and payload.
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(
                                    RpcWire.LENGTH_BYTES + RpcWire.MAX_FRAME_LENGTH, 0, RpcWire.LENGTH_BYTES, 0,
                                    RpcWire.LENGTH_BYTES), EchoHandler.INSTANCE);
                        }
                    })
                    .bind(host, port).syncUninterruptibly().channel();
            return new NettyRpcEchoServer(group, listener);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("failed to bind on [" + host + ":" + port + "]: " + e.getMessage(), e);
        }
    }

    /** @return the port it listens on */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Closes the listener and every connection, and stops the loops; returns once they have stopped. */
    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** Serves until the JVM is stopped; exits with status 2 for a bad command line, 1 when it cannot serve. */
    public static void main(String[] args) throws InterruptedException {
        String host = "0.0.0.0";
        int port = DEFAULT_PORT;
        int threads = 1;
        NettyRpcEchoServer server;
        try {
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + ": missing value");
                }
                String value = args[i + 1];
                // The harness passes valid values; a bad number is reported as NumberFormatException's message.
                switch (args[i]) {
                    case "--host" -> host = value;
                    case "--port" -> port = Integer.parseInt(value);
                    case "--threads" -> threads = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException(args[i] + ": unknown");
                }
            }
            server = start(host, port, threads);
        } catch (IllegalArgumentException e) {
            System.err.println("NettyRpcEchoServer: " + e.getMessage() + " (usage: --host ADDRESS --port N"
                    + " --threads N)");
            System.exit(2);
            return;
        } catch (IllegalStateException e) {
            System.err.println("NettyRpcEchoServer: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "netty-rpc-shutdown"));
        // One write: printf writes piece by piece, and a thread logging meanwhile would split the banner the harness
        // waits for in this process's output.
        System.out.print(String.format("NettyRpcEchoServer on epoll (%d event loop%s) listening on %s:%d%n", threads,
                threads == 1 ? "" : "s", host, server.port()));
        server.listener.closeFuture().sync();
    }

    /**
     * Answers each request frame with a response frame of the same id carrying the same payload; stateless, so one
     * instance serves every connection.
     */
    @ChannelHandler.Sharable
    private static final class EchoHandler extends ChannelInboundHandlerAdapter {

        static final EchoHandler INSTANCE = new EchoHandler();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                if (frame.readableBytes() < RpcWire.ID_AND_KIND_BYTES) {
                    ctx.close();
                    return;
                }
                long id = frame.readLong();
                if (frame.readByte() != RpcWire.REQUEST) {
                    ctx.close();
                    return;
                }
                if (AllocationCounter.isRpcQuery(frame)) {
                    // The harness's allocation query, answered as the samples' RpcEchoServer answers it.
                    ByteBuf answer = AllocationCounter.rpcAnswer();
                    write(ctx, id, answer);
                    answer.release();
                } else {
                    write(ctx, id, frame);
                }
            } finally {
                frame.release();
            }
        }

        /** Writes a response frame carrying a copy of {@code payload}'s readable bytes, without flushing. */
        private static void write(ChannelHandlerContext ctx, long id, ByteBuf payload) {
            ByteBuf response = ctx.alloc().ioBuffer(RpcWire.HEADER_BYTES + payload.readableBytes());
            ctx.write(RpcWire.writeFrame(response, id, RpcWire.RESPONSE, payload), ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
