package dev.ix.transport.testsuite;

import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketHalfClosedTest;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.util.List;

/**
 * Netty's {@link SocketHalfClosedTest} on ix/ix, ix/NIO and NIO/ix server/client pairs.
 */
@RequiresIoUring
public class IxSocketHalfClosedTest extends SocketHalfClosedTest {

    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IxSocketTestPermutation.INSTANCE.socket();
    }

    /**
     * Disabled as in Netty's {@code IoUringSocketHalfClosedTest}: the test's "leader" handler calls
     * {@code writeAndFlush} in {@code channelActive} and then blocks its event loop until the peer has answered and
     * closed. That assumes the flush wrote to the socket at once, as NIO and epoll do; ix, like Netty's io_uring,
     * queues the send and submits it with the loop's one {@code io_uring_enter} at the end of the turn, so the data
     * never leaves and the test deadlocks by construction — leaving that loop blocked for the rest of the JVM.
     */
    @Disabled("blocks an event loop until its own flushed write arrives; io_uring submits writes after the handler")
    @Test
    @Override
    public void testAutoCloseFalseDoesShutdownOutput(TestInfo testInfo) throws Throwable {
        super.testAutoCloseFalseDoesShutdownOutput(testInfo);
    }
}
