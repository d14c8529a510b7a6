package dev.ix.transport.testsuite;

import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketAddressesTest;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Netty's {@link SocketAddressesTest} on ix/ix, ix/NIO and NIO/ix server/client pairs: an unconnected client has
 * no addresses; once connected, both ends report concrete local and remote addresses (a port, not the wildcard
 * address). Netty runs this one for epoll (not io_uring).
 */
@RequiresIoUring
public class IxSocketAddressesTest extends SocketAddressesTest {

    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IxSocketTestPermutation.INSTANCE.socket();
    }

    @Override
    protected void assertAddress(SocketAddress address) {
        assertThat(address).isInstanceOf(InetSocketAddress.class);
        InetSocketAddress inet = (InetSocketAddress) address;
        assertThat(inet.getPort()).as("port of %s", inet).isPositive();
        assertThat(inet.getAddress().isAnyLocalAddress()).as("%s is the wildcard address", inet).isFalse();
    }
}
