package dev.ix.transport.testsuite;

import dev.ix.transport.test.RequiresIoUring;
import dev.ix.transport.uring.Errno;
import dev.ix.transport.uring.NativeIoException;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketRstTest;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Netty's {@link SocketRstTest} on ix/ix, ix/NIO and NIO/ix server/client pairs. As Netty's epoll and io_uring
 * tests do for their channels, an ix client must report the peer's reset as the transport's native exception with
 * {@code ECONNRESET}, not only as a message that happens to contain "reset".
 */
@RequiresIoUring
public class IxSocketRstTest extends SocketRstTest {

    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IxSocketTestPermutation.INSTANCE.socket();
    }

    @Override
    protected void assertRstOnCloseException(IOException cause, Channel clientChannel) {
        if (!IxSocketTestPermutation.isIx(clientChannel)) {
            super.assertRstOnCloseException(cause, clientChannel);
            return;
        }
        assertThat(cause).isInstanceOf(NativeIoException.class);
        assertThat(((NativeIoException) cause).errno()).as("errno of %s", cause).isEqualTo(Errno.ECONNRESET);
    }
}
