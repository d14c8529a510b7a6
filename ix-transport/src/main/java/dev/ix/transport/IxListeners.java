package dev.ix.transport;

import dev.ix.transport.uring.NativeIoException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One {@code SO_REUSEPORT} listener per loop of a group, each accepting onto its own loop: the kernel spreads new
 * connections over the listeners and a connection never leaves the loop that accepted it, so no two loops share
 * work or state (IX's per-core dataplanes).
 *
 * <pre>{@code
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, IxIoHandler.newFactory(config));
 * ServerBootstrap template = new ServerBootstrap().childHandler(initializer);   // no group, no channel
 * IxListeners listeners = IxListeners.bind(template, group, new InetSocketAddress(8080), false);
 * ...
 * listeners.close();
 * }</pre>
 *
 * <p>With {@code cpuSteering} a classic BPF program ({@code SO_ATTACH_REUSEPORT_CBPF}) sends each connection to the
 * listener of the loop serving the CPU that received its first packet: the loop pinned to that CPU
 * ({@link IxIoHandlerConfig#withCpus}), or loop {@code cpu} for unpinned loops. Connections received on a CPU no
 * serving loop stands for are spread by the kernel's hash.
 *
 * <p>{@link #park(int)} closes one loop's listener (its connections stay and are served) and {@link #unpark(int)}
 * opens it again: how {@link IxControlPlane} follows load. The kernel resets connections still waiting in the
 * backlog of a listener as it closes unless {@code net.ipv4.tcp_migrate_req = 1} (Linux 5.14+) moves them to the
 * other listeners; set it where parking is used.
 *
 * <p>Threading: {@link #bind}, {@link #park}, {@link #unpark} and {@link #close} wait for binds and closes: call
 * them from any thread but a loop thread. The other methods may be called from anywhere.
 */
public final class IxListeners implements AutoCloseable {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(IxListeners.class);
    private final ServerBootstrap template;
    private final List<EventLoop> loops;
    private final InetSocketAddress address;
    private final boolean cpuSteering;
    /** Written under this object's lock, read without it (loop threads may ask while a park waits on them). */
    private final AtomicReferenceArray<Channel> listeners;
    /** Loops whose listener closed because the loop stopped: they cannot be unparked. */
    private final boolean[] gone;
    /** Loop index of each socket in the kernel's reuseport group, in the group's order. */
    private final List<Integer> kernelOrder = new ArrayList<>();
    private boolean closed;
    private volatile InetSocketAddress boundAddress;

    private IxListeners(ServerBootstrap template, List<EventLoop> loops, InetSocketAddress address,
                        boolean cpuSteering) {
        this.template = template;
        this.loops = loops;
        this.address = address;
        this.cpuSteering = cpuSteering;
        this.listeners = new AtomicReferenceArray<>(loops.size());
        this.gone = new boolean[loops.size()];
    }

    /**
     * Binds one listener on each loop of {@code group} to {@code address} and waits until all are bound.
     *
     * @param template    the server's settings: child handler, options, child options; its group and channel must
     *                    be unset (each listener gets its own loop as both parent and child group, and
     *                    {@link IxServerSocketChannel})
     * @param group       a group of ix loops
     * @param address     where to listen; port 0 picks a free port, the same for every listener
     * @param cpuSteering attach the CPU-steering program described in the class comment
     * @throws IllegalArgumentException if the template has a group or channel, or the group has no ix loop
     * @throws IllegalStateException    if a bind fails (listeners already bound are closed)
     */
    public static IxListeners bind(ServerBootstrap template, EventLoopGroup group, InetSocketAddress address,
                                   boolean cpuSteering) {
        if (template.config().group() != null || template.config().channelFactory() != null) {
            throw new IllegalArgumentException("template: set neither group nor channel; IxListeners gives each"
                    + " listener its own ix loop and an IxServerSocketChannel");
        }
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor e : group) {
            if (e instanceof EventLoop l && IxLoop.of(l).isPresent()) {
                loops.add(l);
            }
        }
        if (loops.isEmpty()) {
            throw new IllegalArgumentException("group: " + group + " has no ix loop (expected: a"
                    + " MultiThreadIoEventLoopGroup made with IxIoHandler.newFactory())");
        }
        IxListeners l = new IxListeners(template, List.copyOf(loops), address, cpuSteering);
        try {
            l.bindAll();
        } catch (RuntimeException e) {
            l.close();
            throw e;
        }
        return l;
    }

    private synchronized void bindAll() {
        InetSocketAddress at = address;
        if (at.getPort() != 0) {
            requireFree(at);
        }
        for (int i = 0; i < loops.size(); i++) {
            listeners.set(i, open(i, at));
            if (at.getPort() == 0) {
                at = (InetSocketAddress) listeners.get(i).localAddress();
            }
            boundAddress = at;
        }
        steer();
    }

    /**
     * Refuses a port another socket listens on. Every listener of a group sets {@code SO_REUSEPORT}, and the kernel
     * lets any socket with that option (of the same user) join the group: a second server started on the port by
     * mistake would bind without an error and take a share of the connections. A socket without the option cannot
     * bind there while anything listens, so binding one for a moment finds that out. (A server that binds the port
     * between this check and the group's first bind still joins it: the window is the time of one bind.)
     */
    private static void requireFree(InetSocketAddress at) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(at, 1);
        } catch (BindException e) {
            throw new IllegalStateException("Failed to bind on [" + at + "]: " + e.getMessage() + " (another socket"
                    + " listens on it; stop that server or choose another port)", e);
        } catch (IOException e) {
            throw new IllegalStateException("Failed to bind on [" + at + "]: " + e.getMessage(), e);
        }
    }

    private Channel open(int index, InetSocketAddress at) {
        EventLoop loop = loops.get(index);
        ChannelFuture f = template.clone().group(loop, loop).channel(IxServerSocketChannel.class)
                .option(IxChannelOption.SO_REUSEPORT, true).bind(at).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new IllegalStateException("Failed to bind on [" + at + "] on loop " + index + ": "
                    + f.cause().getMessage(), f.cause());
        }
        kernelOrder.add(index);
        Channel channel = f.channel();
        // Off the loop: park() and close() hold this object's lock while they wait for the loop to close a listener.
        channel.closeFuture().addListener(closed -> GlobalEventExecutor.INSTANCE.execute(() -> {
            CpuAffinity.resetCurrentThread();   // the executor's thread may have been started by a pinned loop
            closedUnexpectedly(index, channel);
        }));
        return channel;
    }

    /** Re-attaches the steering program after the group's membership changed. */
    private void steer() {
        if (!cpuSteering || kernelOrder.isEmpty()) {
            return;
        }
        int[] cpuOfPosition = new int[kernelOrder.size()];
        for (int p = 0; p < cpuOfPosition.length; p++) {
            int loopIndex = kernelOrder.get(p);
            int[] cpus = IxLoop.of(loops.get(loopIndex)).map(IxLoop::cpus).orElse(new int[0]);
            cpuOfPosition[p] = cpus.length > 0 ? cpus[0] : loopIndex;
        }
        IxServerSocketChannel first = (IxServerSocketChannel) listeners.get(kernelOrder.get(0));
        try {
            SteeringProgram.attach(first.socket.fd(), cpuOfPosition);
        } catch (NativeIoException e) {
            throw new IllegalStateException("cannot attach the CPU-steering program to " + first + ": "
                    + e.getMessage() + " (bind without cpuSteering to let the kernel hash)", e);
        }
    }

    /** @return the address the listeners are bound to (with the port picked for port 0) */
    public InetSocketAddress localAddress() {
        InetSocketAddress bound = boundAddress;
        return bound != null ? bound : address;
    }

    /** @return the ix loop that listener {@code index} belongs to, or empty once that loop stopped */
    Optional<IxLoop> loop(int index) {
        return IxLoop.of(loops.get(index));
    }

    /** @return the number of loops, serving or parked */
    public int size() {
        return loops.size();
    }

    /** @return whether loop {@code index}'s listener is open (the loop takes new connections) */
    public boolean isServing(int index) {
        return listeners.get(index) != null;
    }

    /** @return the open listeners, in loop order (parked loops left out) */
    public List<Channel> channels() {
        List<Channel> open = new ArrayList<>();
        for (int i = 0; i < listeners.length(); i++) {
            Channel c = listeners.get(i);
            if (c != null) {
                open.add(c);
            }
        }
        return open;
    }

    /**
     * Closes loop {@code index}'s listener: the loop takes no new connection and keeps serving the ones it has.
     *
     * @return false if it was parked already
     * @throws IllegalStateException if it is the last serving listener
     */
    public synchronized boolean park(int index) {
        Channel c = listeners.get(index);
        if (c == null || closed) {
            return false;
        }
        if (kernelOrder.size() == 1) {
            throw new IllegalStateException("cannot park loop " + index + ": it is the last one serving");
        }
        listeners.set(index, null);
        leaveGroup(index);
        // The close takes the socket out of the kernel's group at once (IxServerSocketChannel.doClose).
        c.close().awaitUninterruptibly();
        steer();
        return true;
    }

    /** The kernel moves the group's last socket into the place of the one that leaves. */
    private void leaveGroup(int index) {
        int position = kernelOrder.indexOf(index);
        int last = kernelOrder.remove(kernelOrder.size() - 1);
        if (position < kernelOrder.size()) {
            kernelOrder.set(position, last);
        }
    }

    /** A listener closed without park or close: its loop stopped or died. It stays out for good. */
    private synchronized void closedUnexpectedly(int index, Channel channel) {
        if (listeners.get(index) != channel) {
            return;
        }
        listeners.set(index, null);
        gone[index] = true;
        leaveGroup(index);
        Throwable death = IxLoop.of(loops.get(index)).map(IxLoop::deathCause).orElse(null);
        if (death != null || !channel.eventLoop().isShuttingDown()) {
            logger.warn("{}: the listener of loop {} closed ({}); the other loops go on serving", this, index,
                    death != null ? "its loop died" : "closed by someone else");
        } else {
            logger.debug("{}: the listener of loop {} closed as its loop stops", this, index);
        }
        try {
            steer();
        } catch (RuntimeException e) {
            logger.warn("{}: cannot re-attach the CPU-steering program; the kernel hashes meanwhile", this, e);
        }
    }

    /**
     * Opens loop {@code index}'s listener again.
     *
     * @return false if it was serving already
     * @throws IllegalStateException if the bind fails
     */
    public synchronized boolean unpark(int index) {
        if (listeners.get(index) != null || closed) {
            return false;
        }
        if (gone[index] || loops.get(index).isShuttingDown()) {
            throw new IllegalStateException("cannot unpark loop " + index + ": the loop has stopped");
        }
        listeners.set(index, open(index, localAddress()));
        steer();
        return true;
    }

    /** Closes every listener; connections stay open (close them by shutting the group down). */
    @Override
    public synchronized void close() {
        closed = true;
        for (int i = 0; i < listeners.length(); i++) {
            Channel c = listeners.getAndSet(i, null);
            if (c != null) {
                c.close().awaitUninterruptibly();
            }
        }
        kernelOrder.clear();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("IxListeners(").append(localAddress()).append(", serving ");
        for (int i = 0; i < listeners.length(); i++) {
            b.append(listeners.get(i) != null ? '+' : '-');
        }
        return b.append(cpuSteering ? ", CPU steering)" : ")").toString();
    }
}
