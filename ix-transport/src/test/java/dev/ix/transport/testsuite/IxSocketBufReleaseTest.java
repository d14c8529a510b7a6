package dev.ix.transport.testsuite;

import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketBufReleaseTest;

import java.util.List;

/**
 * Netty's {@link SocketBufReleaseTest} on ix/ix, ix/NIO and NIO/ix server/client pairs.
 * Netty runs this one for NIO only; here because it checks the transport releases written buffers.
 */
@RequiresIoUring
public class IxSocketBufReleaseTest extends SocketBufReleaseTest {

    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IxSocketTestPermutation.INSTANCE.socket();
    }
}
