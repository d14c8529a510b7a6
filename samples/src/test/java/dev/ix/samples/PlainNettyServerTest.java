package dev.ix.samples;

import dev.ix.transport.IxIoHandler;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The plain Netty program answers on ix, as it did on NIO, over kept-alive connections. */
class PlainNettyServerTest {

    @Test
    void answersOnIxOverAKeptAliveConnection() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, IxIoHandler.newFactory());
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            Channel server = PlainNettyServer.bind(group, 0);
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/any")).build(), HttpResponse.BodyHandlers.ofString());

                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("Hello from plain Netty on ix\n");
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }
}
