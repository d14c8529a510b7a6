package dev.ix.transport.testsuite;

import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketCloseForciblyTest;

import java.util.List;

/**
 * Netty's {@link SocketCloseForciblyTest} on ix/ix, ix/NIO and NIO/ix server/client pairs.
 * Netty runs this one for epoll (not io_uring).
 */
@RequiresIoUring
public class IxSocketCloseForciblyTest extends SocketCloseForciblyTest {

    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IxSocketTestPermutation.INSTANCE.socket();
    }
}
