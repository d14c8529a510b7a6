package dev.ix.samples;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * HTTP/1.1 hello server in the shape of the TechEmpower plaintext and JSON tests: plain Netty
 * {@code ServerBootstrap} + {@link HttpServerCodec} + {@link HelloHandler}, on whichever transport
 * {@code --transport} names. {@code ./ix demo} runs it.
 *
 * <pre>
 *   GET /plaintext  200 text/plain        Hello, World!
 *   GET /json       200 application/json  {"message":"Hello, World!"}
 *   anything else   404
 * </pre>
 *
 * <p>Options: {@link SampleOptions}.
 */
public final class HelloServer {

    /** Port used without {@code --port}: {@value}. */
    public static final int DEFAULT_PORT = 8080;

    private HelloServer() {
    }

    /** Serves until the JVM is stopped; see {@link SampleOptions} for {@code args}. */
    public static void main(String[] args) throws InterruptedException {
        SampleServer.run("HelloServer", DEFAULT_PORT, args, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpServerCodec(), HelloHandler.INSTANCE);
            }
        }, (host, port) -> {
            String base = "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
            return "  curl " + base + "/plaintext\n  curl " + base + "/json";
        });
    }
}
