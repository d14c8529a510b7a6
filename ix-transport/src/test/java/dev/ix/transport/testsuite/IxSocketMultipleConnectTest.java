package dev.ix.transport.testsuite;

import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketMultipleConnectTest;

import java.util.List;

/**
 * Netty's {@link SocketMultipleConnectTest} on ix/ix, ix/NIO and NIO/ix server/client pairs. Netty's base class
 * keeps only NIO clients (its OIO client cannot pass) and its native transports add their own; every client here is
 * ix or NIO, so all pairs run.
 */
@RequiresIoUring
public class IxSocketMultipleConnectTest extends SocketMultipleConnectTest {

    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IxSocketTestPermutation.INSTANCE.socket();
    }
}
