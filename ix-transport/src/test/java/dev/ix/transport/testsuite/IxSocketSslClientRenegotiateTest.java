package dev.ix.transport.testsuite;

import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketSslClientRenegotiateTest;

import java.util.List;

/**
 * Netty's {@link SocketSslClientRenegotiateTest} on ix/ix, ix/NIO and NIO/ix server/client pairs.
 */
@RequiresIoUring
public class IxSocketSslClientRenegotiateTest extends SocketSslClientRenegotiateTest {

    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IxSocketTestPermutation.INSTANCE.socket();
    }
}
