package dev.ix.reactor;

import dev.ix.transport.IxIoHandler;
import dev.ix.transport.IxIoHandlerConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;

import java.util.function.Consumer;

/**
 * The settings every ix server shares ({@link IxTcpServer}, {@link IxRpcServer}): where it listens and on which
 * loops. Immutable: every method returns a new spec and leaves this one as it was, so a spec can be shared and
 * bound many times.
 *
 * <p>Server types of other modules (ix-http) extend it through its protected members: {@link #IxServerSpec()} and
 * {@link #IxServerSpec(IxServerSpec)} to carry the settings, {@link #withSettingsOf} to copy themselves with new ones,
 * {@link #bindListeners} to bind, and {@link #STOPPING} to drain their connections when the server stops.
 *
 * @param <S> the concrete server type, returned by the fluent methods
 */
public abstract class IxServerSpec<S extends IxServerSpec<S>> {
    /**
     * The user event fired on every open connection when the server starts to stop (its listeners closed): a
     * connection handler finishes the exchanges in flight, takes no new ones and closes the connection.
     */
    protected static final Object STOPPING = ListeningServer.STOPPING;

    final ServerSettings settings;

    IxServerSpec(ServerSettings settings) {
        this.settings = settings;
    }

    /** A spec with the defaults: all addresses, a free port, one loop per available processor. */
    protected IxServerSpec() {
        this(ServerSettings.defaults());
    }

    /** @param source the spec whose settings this one takes (a subclass's copy-on-configure constructor) */
    protected IxServerSpec(IxServerSpec<?> source) {
        this(source.settings);
    }

    /**
     * @param source holds the new settings
     * @return a copy of this spec, with its own fields, built with {@link #IxServerSpec(IxServerSpec) super(source)}
     */
    protected abstract S withSettingsOf(IxServerSpec<?> source);

    final S with(ServerSettings settings) {
        return withSettingsOf(new Carrier(settings));
    }

    /**
     * Binds one listener per loop with these settings and waits until all are bound. Not on a loop thread.
     *
     * @param threadNamePrefix names the loops the server creates, {@code <prefix>-<i>}
     * @param initializer      sets up each accepted connection's pipeline, on its loop
     * @return the running server
     * @throws IllegalStateException on a loop thread, or when a bind fails (the message says why)
     */
    protected final IxServer bindListeners(String threadNamePrefix, Consumer<Channel> initializer) {
        return ListeningServer.bind(settings, threadNamePrefix, initializer);
    }

    /** @param host the address to listen on (default {@code 0.0.0.0}) */
    public final S host(String host) {
        return with(settings.withHost(host));
    }

    /** @param port the port to listen on, 0 (the default) for a free one ({@link IxServer#port()} tells which) */
    public final S port(int port) {
        return with(settings.withPort(port));
    }

    /**
     * @param loops how many ix loops (event loop threads, one listener each) the server creates and owns; default:
     *              one per available processor. Ignored with {@link #runOn}.
     */
    public final S loops(int loops) {
        return with(settings.withLoops(loops));
    }

    /**
     * Pins loop {@code i} to {@code cpus[i % cpus.length]}, as IX gives each dataplane its own core.
     *
     * @param cpus CPU numbers; none: no pinning (the default)
     */
    public final S cpus(int... cpus) {
        return with(settings.withIxConfig(settings.ixConfig().withCpus(cpus)));
    }

    /**
     * @param config settings of the loops the server creates (batch limit, ring, mbuf pool, CPUs); default:
     *               {@link IxIoHandlerConfig#defaults()}. Replaces an earlier {@link #cpus}.
     */
    public final S config(IxIoHandlerConfig config) {
        return with(settings.withIxConfig(config));
    }

    /**
     * @param cpuSteering steer each new connection to the listener of the loop pinned to the CPU that received its
     *                    first packet (see {@code IxListeners}); default false: the kernel's hash spreads them
     */
    public final S cpuSteering(boolean cpuSteering) {
        return with(settings.withCpuSteering(cpuSteering));
    }

    /**
     * Serves on loops the caller owns instead of creating some: a {@code MultiThreadIoEventLoopGroup} made with
     * {@link IxIoHandler#newFactory()}. Disposing the server leaves them running.
     *
     * @param group ix loops; null: the server creates its own again
     */
    public final S runOn(EventLoopGroup group) {
        return with(settings.withGroup(group));
    }

    /**
     * @param option an option of every accepted connection, e.g. {@code ChannelOption.TCP_NODELAY}
     * @param value  its value; null removes it
     */
    public final <T> S childOption(ChannelOption<T> option, T value) {
        return with(settings.withChildOption(option, value));
    }

    /** Only carries settings into {@link #withSettingsOf}; never bound. */
    private static final class Carrier extends IxServerSpec<Carrier> {
        Carrier(ServerSettings settings) {
            super(settings);
        }

        @Override
        protected Carrier withSettingsOf(IxServerSpec<?> source) {
            return new Carrier(source.settings);
        }
    }
}
