package dev.ix.transport.testsuite;

import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketConnectionAttemptTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Netty's {@link SocketConnectionAttemptTest} on the ix client (and a NIO client for comparison).
 *
 * <p>{@code testConnectCancellation} needs a connection attempt to Netty's "bad host" (198.51.100.254:65535, a
 * TEST-NET address, or {@code -Dio.netty.testsuite.badHost/badPort}) to hang. Netty's own pre-check waits only
 * 10 ms, so on a network that accepts every connection (sandboxes with a transparent proxy) the test fails instead
 * of skipping; here it is skipped when a plain socket reaches the bad host within a second.
 * {@link #testConnectCancellationWhileSynIsUnanswered} covers the same ground on loopback, which works anywhere.
 */
@RequiresIoUring
public class IxSocketConnectionAttemptTest extends SocketConnectionAttemptTest {

    private static final String BAD_HOST = System.getProperty("io.netty.testsuite.badHost", "198.51.100.254");
    private static final int BAD_PORT = Integer.getInteger("io.netty.testsuite.badPort", 65535);
    private static final int PROBE_TIMEOUT_MILLIS = 1_000;

    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return IxSocketTestPermutation.INSTANCE.clientSocket();
    }

    @Test
    @Override
    public void testConnectCancellation(TestInfo testInfo) throws Throwable {
        assumeFalse(accepts(new InetSocketAddress(BAD_HOST, BAD_PORT)), "this network accepts a connection to "
                + BAD_HOST + ':' + BAD_PORT + ", so a connection attempt to it cannot be cancelled while pending;"
                + " set -Dio.netty.testsuite.badHost");
        super.testConnectCancellation(testInfo);
    }

    /** Cancels a connect whose SYN goes unanswered because the listener's accept queue is full. */
    @Test
    public void testConnectCancellationWhileSynIsUnanswered(TestInfo testInfo) throws Throwable {
        try (FullAcceptQueue listener = FullAcceptQueue.open()) {
            run(testInfo, cb -> {
                cb.handler(new ChannelInboundHandlerAdapter()).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
                ChannelFuture future = cb.connect(listener.address());
                try {
                    assertFalse(future.await(500), () -> "connect to a full accept queue completed: " + future);
                    assertTrue(future.cancel(true), () -> "pending connect not cancellable: " + future.channel());
                    assertTrue(future.channel().closeFuture().await(5_000), "channel not closed after cancel");
                    assertTrue(future.isCancelled());
                } finally {
                    future.channel().close().sync();
                }
            });
        }
    }

    private static boolean accepts(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, PROBE_TIMEOUT_MILLIS);
            return true;
        } catch (IOException expected) {
            return false;
        }
    }

    /**
     * A loopback listener that never accepts, with its accept queue filled: Linux then drops further SYNs (unless
     * {@code net.ipv4.tcp_abort_on_overflow=1}, in which case the test is skipped), so a connect to it stays pending.
     */
    private static final class FullAcceptQueue implements AutoCloseable {
        private static final int MAX_FILLERS = 16;
        private final ServerSocket server;
        private final List<Socket> fillers = new ArrayList<>();

        private FullAcceptQueue(ServerSocket server) {
            this.server = server;
        }

        static FullAcceptQueue open() throws IOException {
            FullAcceptQueue queue = new FullAcceptQueue(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            try {
                for (int i = 0; i < MAX_FILLERS; i++) {
                    Socket filler = new Socket();
                    queue.fillers.add(filler);
                    try {
                        filler.connect(queue.address(), 200);
                    } catch (SocketTimeoutException full) {
                        return queue; // this SYN was dropped: the queue is full
                    }
                }
                assumeTrue(false, "could not fill the accept queue of a loopback listener");
                return queue;
            } catch (IOException | RuntimeException | Error e) {
                queue.close();
                if (e instanceof IOException io) {
                    assumeTrue(false, "could not fill the accept queue of a loopback listener: " + io);
                }
                throw e;
            }
        }

        InetSocketAddress address() {
            return (InetSocketAddress) server.getLocalSocketAddress();
        }

        @Override
        public void close() throws IOException {
            for (Socket filler : fillers) {
                filler.close();
            }
            server.close();
        }
    }
}
