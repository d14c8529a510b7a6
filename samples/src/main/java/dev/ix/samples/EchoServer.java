package dev.ix.samples;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;

/**
 * Raw TCP echo: every byte received is written back on the same connection, in the buffer it arrived in
 * (no copy), flushed once per read batch.
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp ... dev.ix.samples.EchoServer [--transport ix] [--port 8007]
 *   printf 'hello\n' | nc -q1 127.0.0.1 8007
 * </pre>
 *
 * <p>Options: {@link SampleOptions}.
 */
public final class EchoServer {

    /** Port used without {@code --port}: {@value}. */
    public static final int DEFAULT_PORT = 8007;

    private EchoServer() {
    }

    /** Serves until the JVM is stopped; see {@link SampleOptions} for {@code args}. */
    public static void main(String[] args) throws InterruptedException {
        SampleServer.run("EchoServer", DEFAULT_PORT, args, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(EchoHandler.INSTANCE);
            }
        }, (host, port) -> "  printf 'hello\\n' | nc -q1 " + host + " " + port);
    }

    /** Writes each received buffer back; ownership of the buffer passes to the write. */
    @Sharable
    static final class EchoHandler extends BatchingHandler {

        static final EchoHandler INSTANCE = new EchoHandler();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }
    }
}
