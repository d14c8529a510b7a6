package dev.ix.transport.testsuite;

import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketFileRegionTest;

import java.util.List;

/**
 * Netty's {@link SocketFileRegionTest} on ix/ix, ix/NIO and NIO/ix server/client pairs, including the custom
 * (non-{@code DefaultFileRegion}) {@code FileRegion} cases that Netty's io_uring transport opts out of
 * ({@code supportsCustomFileRegion() == false} there); NIO and epoll support them and so should ix.
 */
@RequiresIoUring
public class IxSocketFileRegionTest extends SocketFileRegionTest {

    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IxSocketTestPermutation.INSTANCE.socket();
    }
}
