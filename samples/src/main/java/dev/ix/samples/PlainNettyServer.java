package dev.ix.samples;

import dev.ix.transport.IxIoHandler;
import dev.ix.transport.IxServerSocketChannel;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;

import java.nio.charset.StandardCharsets;

/**
 * A Netty program as Netty users write it — {@code ServerBootstrap}, {@code HttpServerCodec},
 * {@code HttpObjectAggregator}, one handler — moved to ix by changing two class names: {@code NioIoHandler} became
 * {@link IxIoHandler} and {@code NioServerSocketChannel} became {@link IxServerSocketChannel} (the samples README
 * shows the diff). Nothing else knows the transport. {@code ./ix plain-netty [PORT]} runs it (default port 8090);
 * every request is answered {@code Hello from plain Netty on ix} with keep-alive as the client asks.
 */
public final class PlainNettyServer {
    /** Port used without an argument: {@value}. */
    public static final int DEFAULT_PORT = 8090;

    private PlainNettyServer() {
    }

    /** Serves until the JVM is stopped. */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_PORT;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(IxIoHandler.newFactory());
        try {
            Channel server = bind(group, port);
            System.out.println("PlainNettyServer listening on port " + port + ": curl http://127.0.0.1:" + port + "/");
            server.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    /** Binds the server on {@code group}; the part of the program that does not change with the transport. */
    static Channel bind(EventLoopGroup group, int port) throws InterruptedException {
        return new ServerBootstrap()
                .group(group)
                .channel(IxServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                new HelloHandler());
                    }
                })
                .bind(port).sync().channel();
    }

    /** Answers every request; the usual Netty keep-alive handling. */
    private static final class HelloHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private static final byte[] HELLO = "Hello from plain Netty on ix\n".getBytes(StandardCharsets.US_ASCII);

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            ByteBuf content = Unpooled.wrappedBuffer(HELLO);
            FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                    content);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (keepAlive && !request.protocolVersion().isKeepAliveDefault()) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            if (!keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            ctx.writeAndFlush(response)
                    .addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
        }
    }
}
