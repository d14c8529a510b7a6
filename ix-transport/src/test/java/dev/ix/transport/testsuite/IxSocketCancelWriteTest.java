package dev.ix.transport.testsuite;

import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketCancelWriteTest;

import java.util.List;

/**
 * Netty's {@link SocketCancelWriteTest} on ix/ix, ix/NIO and NIO/ix server/client pairs.
 * Netty runs this one for NIO only; here because it checks cancelled writes never reach the wire.
 */
@RequiresIoUring
public class IxSocketCancelWriteTest extends SocketCancelWriteTest {

    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IxSocketTestPermutation.INSTANCE.socket();
    }
}
