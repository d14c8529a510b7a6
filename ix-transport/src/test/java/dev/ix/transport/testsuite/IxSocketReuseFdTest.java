package dev.ix.transport.testsuite;

import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.AbstractSocketReuseFdTest;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * Netty's {@link AbstractSocketReuseFdTest} on ix/ix, ix/NIO and NIO/ix server/client pairs: many connections
 * opened and closed quickly, so file descriptor numbers are reused while completions for their previous owners may
 * still be on the way.
 */
@RequiresIoUring
public class IxSocketReuseFdTest extends AbstractSocketReuseFdTest {

    @Override
    protected SocketAddress newSocketAddress() {
        return new InetSocketAddress("127.0.0.1", 0);
    }

    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IxSocketTestPermutation.INSTANCE.socket();
    }
}
