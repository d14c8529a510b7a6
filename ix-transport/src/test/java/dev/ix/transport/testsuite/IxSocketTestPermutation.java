package dev.ix.transport.testsuite;

import dev.ix.transport.IxIoHandler;
import dev.ix.transport.IxServerSocketChannel;
import dev.ix.transport.IxSocketChannel;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketTestPermutation;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The bootstraps Netty's TCP test suite runs against, as Netty's {@code IoUringSocketTestPermutation} gives them for
 * its own io_uring transport:
 *
 * <pre>
 *   socket():        ix server  + ix client
 *                    ix server  + NIO client
 *                    NIO server + ix client      (NIO + NIO is left out: it tests Netty, not us)
 *   serverSocket():  ix, NIO      clientSocket(): ix, NIO
 * </pre>
 *
 * <p>TCP fast open is not permuted: ix has no {@code TCP_FASTOPEN} server/client variant (yet), so
 * {@link #clientSocketWithFastOpen()} is {@link #clientSocket()} and {@link #socketWithFastOpen()} is
 * {@link #socket()}.
 *
 * <p>The NIO group is Netty's: it lives for the whole JVM. The ix group, {@value #NUM_THREADS} loops with daemon
 * threads, lives for one test class ({@link IxTestsuiteGroups}): created when a bootstrap of the class first needs
 * it, which happens only inside tests, after {@code @RequiresIoUring} checked that io_uring is available; shut down
 * after the class, with every loop's receive pool checked to be full.
 */
public final class IxSocketTestPermutation extends SocketTestPermutation {

    /** The instance every test class of this package uses. */
    public static final IxSocketTestPermutation INSTANCE = new IxSocketTestPermutation();

    private IxSocketTestPermutation() {
    }

    // The transport under test, in one place. To check the harness without ix, return NioIoHandler.newFactory(),
    // NioServerSocketChannel.class and NioSocketChannel.class here (the suite then runs NIO against NIO).

    private static IoHandlerFactory ixIoHandlerFactory() {
        return IxIoHandler.newFactory();
    }

    /** @return the ix group of the test class that is running */
    private static EventLoopGroup ixGroup() {
        return IxTestsuiteGroups.group(() -> new MultiThreadIoEventLoopGroup(
                NUM_THREADS, new DefaultThreadFactory("testsuite-ix", true), ixIoHandlerFactory()));
    }

    private static Class<? extends ServerChannel> ixServerChannelClass() {
        return IxServerSocketChannel.class;
    }

    private static Class<? extends Channel> ixClientChannelClass() {
        return IxSocketChannel.class;
    }

    /** @return whether {@code channel} is one of the transport under test (not a NIO peer) */
    public static boolean isIx(Channel channel) {
        return ixClientChannelClass().isInstance(channel) || ixServerChannelClass().isInstance(channel);
    }

    @Override
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socket() {
        List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> combos = combo(serverSocket(), clientSocket());
        combos.remove(combos.size() - 1); // NIO server + NIO client: serverSocket() and clientSocket() list NIO last
        return combos;
    }

    @Override
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socketWithFastOpen() {
        return socket();
    }

    @Override
    public List<BootstrapFactory<ServerBootstrap>> serverSocket() {
        List<BootstrapFactory<ServerBootstrap>> factories = new ArrayList<>();
        factories.add(new Named<>("ix server", () -> new ServerBootstrap()
                .group(ixGroup()).channel(ixServerChannelClass())));
        factories.add(new Named<>("NIO server", () -> new ServerBootstrap()
                .group(NIO_GROUP).channel(NioServerSocketChannel.class)));
        return factories;
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> clientSocket() {
        List<BootstrapFactory<Bootstrap>> factories = new ArrayList<>();
        factories.add(new Named<>("ix client", () -> new Bootstrap()
                .group(ixGroup()).channel(ixClientChannelClass())));
        factories.add(new Named<>("NIO client", () -> new Bootstrap()
                .group(NIO_GROUP).channel(NioSocketChannel.class)));
        return factories;
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> clientSocketWithFastOpen() {
        return clientSocket();
    }

    /** A bootstrap factory with a readable {@code toString()}. */
    private record Named<T extends AbstractBootstrap<?, ?>>(String name, BootstrapFactory<T> factory)
            implements BootstrapFactory<T> {
        @Override
        public T newInstance() {
            return factory.newInstance();
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
