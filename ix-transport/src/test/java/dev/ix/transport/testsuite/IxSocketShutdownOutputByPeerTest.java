package dev.ix.transport.testsuite;

import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketShutdownOutputByPeerTest;

import java.util.List;

/**
 * Netty's {@link SocketShutdownOutputByPeerTest} on the ix server (and a NIO server for comparison).
 */
@RequiresIoUring
public class IxSocketShutdownOutputByPeerTest extends SocketShutdownOutputByPeerTest {

    @Override
    protected List<BootstrapFactory<ServerBootstrap>> newFactories() {
        return IxSocketTestPermutation.INSTANCE.serverSocket();
    }
}
