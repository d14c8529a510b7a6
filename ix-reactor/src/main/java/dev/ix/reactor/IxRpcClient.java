package dev.ix.reactor;

import dev.ix.transport.IxIoHandler;
import dev.ix.transport.IxIoHandlerConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The client of {@link IxRpcServer}: where to connect and how; {@link #connectNow()} opens the connections and
 * returns the {@link IxRpcPool} to call on.
 * <pre>{@code
 * IxRpcPool rpc = IxRpcClient.create().host("10.0.0.7").port(7000).connections(4).connectNow();
 * rpc.call(request).subscribe(response -> { ...; response.release(); });
 * }</pre>
 *
 * <p>Immutable, as Reactor Netty's clients are: each method returns a new client and leaves this one as it was, so
 * one can be shared and connected many times (each {@link #connectNow()} makes a pool of its own). Thread-safe.
 */
public final class IxRpcClient implements Cloneable {
    /** Connections per pool by default: {@value}. */
    public static final int DEFAULT_CONNECTIONS = 1;
    /** Calls sent and unanswered per connection by default: {@value}. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 128;
    /** Calls waiting per connection, beyond those in flight, by default: {@value}. */
    public static final int DEFAULT_MAX_QUEUED = 1024;
    /** Default deadline of a call, in milliseconds: {@value}. */
    public static final long DEFAULT_DEADLINE_MILLIS = 10_000;
    /** Thread name prefix of the loops a pool creates: {@value}. */
    public static final String THREAD_NAME_PREFIX = "ix-rpc-client";

    // Never written after a copy is handed out (see with(...)): the client is effectively immutable.
    String host = "127.0.0.1";
    int port;
    int connections = DEFAULT_CONNECTIONS;
    int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    int maxQueued = DEFAULT_MAX_QUEUED;
    int maxFrameLength = IxRpcServer.DEFAULT_MAX_FRAME_LENGTH;
    Duration deadline = Duration.ofMillis(DEFAULT_DEADLINE_MILLIS);
    int loops;
    IxIoHandlerConfig ixConfig = IxIoHandlerConfig.defaults();
    EventLoopGroup group;
    Map<ChannelOption<?>, Object> options = Map.of(ChannelOption.TCP_NODELAY, true);

    private IxRpcClient() {
    }

    /** @return a client with the defaults, for {@code 127.0.0.1} and no port yet */
    public static IxRpcClient create() {
        return new IxRpcClient();
    }

    /** @param host the server's address or name (default {@code 127.0.0.1}) */
    public IxRpcClient host(String host) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host: '" + host + "' (expected: an address or a name)");
        }
        return with(c -> c.host = host);
    }

    /** @param port the server's port, 1..65535 */
    public IxRpcClient port(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        return with(c -> c.port = port);
    }

    /**
     * @param connections connections in the pool, at least 1 (default {@value #DEFAULT_CONNECTIONS}); calls take
     *                    them in turn. All open at {@link #connectNow()}; one found closed is replaced by a new one
     *                    at the next call that comes to it.
     */
    public IxRpcClient connections(int connections) {
        return with(c -> c.connections = atLeastOne("connections", connections));
    }

    /** @param maxInFlight calls sent and unanswered per connection, at least 1 (default {@value #DEFAULT_MAX_IN_FLIGHT}) */
    public IxRpcClient maxInFlight(int maxInFlight) {
        return with(c -> c.maxInFlight = atLeastOne("maxInFlight", maxInFlight));
    }

    /**
     * @param maxQueued calls that wait per connection while {@code maxInFlight} are in flight, at least 0 (default
     *                  {@value #DEFAULT_MAX_QUEUED}); a call beyond them fails at once with
     *                  {@link IxRpcException.Reason#REJECTED}, so overload shows instead of growing a queue
     */
    public IxRpcClient maxQueued(int maxQueued) {
        if (maxQueued < 0) {
            throw new IllegalArgumentException("maxQueued: " + maxQueued + " (expected: >= 0)");
        }
        return with(c -> c.maxQueued = maxQueued);
    }

    /**
     * @param maxFrameLength the largest response frame accepted, in bytes after the length field, at least 9
     *                       (default 1 MiB); a longer one closes the connection
     */
    public IxRpcClient maxFrameLength(int maxFrameLength) {
        if (maxFrameLength < RpcFrame.ID_AND_KIND_BYTES) {
            throw new IllegalArgumentException("maxFrameLength: " + maxFrameLength + " (expected: >= "
                    + RpcFrame.ID_AND_KIND_BYTES + ")");
        }
        return with(c -> c.maxFrameLength = maxFrameLength);
    }

    /**
     * @param deadline how long a call may take, from its subscription (waiting in the queue included), unless
     *                 {@link IxRpcPool#call(io.netty.buffer.ByteBuf, Duration)} says otherwise; positive, kept to
     *                 the timer wheel's 1 ms tick (default {@value #DEFAULT_DEADLINE_MILLIS} ms)
     */
    public IxRpcClient deadline(Duration deadline) {
        return with(c -> c.deadline = checkDeadline(deadline));
    }

    /**
     * @param loops ix loops the pool creates and owns (shut down by its dispose); default: one per connection, at
     *              most one per processor. Ignored with {@link #runOn}.
     */
    public IxRpcClient loops(int loops) {
        return with(c -> c.loops = atLeastOne("loops", loops));
    }

    /** @param config settings of the loops the pool creates (CPUs, mbuf pool, ring) */
    public IxRpcClient config(IxIoHandlerConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config: null (expected: e.g. IxIoHandlerConfig.defaults())");
        }
        return with(c -> c.ixConfig = config);
    }

    /**
     * Runs the connections on loops the caller owns, e.g. a server's, so that a handler's downstream calls stay on
     * its own loop's connections: a {@code MultiThreadIoEventLoopGroup} made with {@link IxIoHandler#newFactory()}
     * (ix loops only: deadlines live on their timer wheels). Disposing the pool leaves them running.
     *
     * @param group ix loops; null: the pool creates its own again
     */
    public IxRpcClient runOn(EventLoopGroup group) {
        return with(c -> c.group = group);
    }

    /**
     * @param option an option of every connection (default: {@code TCP_NODELAY} on)
     * @param value  its value; null removes it
     */
    public <T> IxRpcClient option(ChannelOption<T> option, T value) {
        Map<ChannelOption<?>, Object> changed = ChannelOptions.with(options, option, value);
        return with(c -> c.options = changed);
    }

    /**
     * Opens the pool's connections and waits until they are connected.
     *
     * @return the pool, to call on and to dispose
     * @throws IllegalStateException when no port was given, when called on a loop thread, or when a connection
     *                               cannot be opened (the pool is then disposed)
     */
    public IxRpcPool connectNow() {
        if (port == 0) {
            throw new IllegalStateException("no port: call port(p) before connectNow()");
        }
        return IxRpcPool.connect(this);
    }

    static Duration checkDeadline(Duration deadline) {
        if (deadline == null || deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline: " + deadline + " (expected: a positive duration)");
        }
        return deadline;
    }

    private static int atLeastOne(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
        }
        return value;
    }

    private IxRpcClient with(Consumer<IxRpcClient> change) {
        try {
            IxRpcClient copy = (IxRpcClient) clone();
            change.accept(copy);
            return copy;
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public String toString() {
        return "IxRpcClient(" + host + ":" + port + ", " + connections + " connections)";
    }
}
