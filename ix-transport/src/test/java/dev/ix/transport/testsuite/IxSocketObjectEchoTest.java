package dev.ix.transport.testsuite;

import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketObjectEchoTest;

import java.util.List;

/**
 * Netty's {@link SocketObjectEchoTest} on ix/ix, ix/NIO and NIO/ix server/client pairs.
 * Netty runs this one for epoll (not io_uring).
 */
@RequiresIoUring
public class IxSocketObjectEchoTest extends SocketObjectEchoTest {

    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IxSocketTestPermutation.INSTANCE.socket();
    }
}
