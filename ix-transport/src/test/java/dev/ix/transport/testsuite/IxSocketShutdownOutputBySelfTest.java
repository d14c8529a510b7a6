package dev.ix.transport.testsuite;

import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketShutdownOutputBySelfTest;

import java.util.List;

/**
 * Netty's {@link SocketShutdownOutputBySelfTest} on the ix client (and a NIO client for comparison).
 */
@RequiresIoUring
public class IxSocketShutdownOutputBySelfTest extends SocketShutdownOutputBySelfTest {

    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return IxSocketTestPermutation.INSTANCE.clientSocket();
    }
}
