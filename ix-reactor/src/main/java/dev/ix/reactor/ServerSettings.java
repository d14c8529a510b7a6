package dev.ix.reactor;

import dev.ix.transport.IxIoHandlerConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * What every ix server binds with: address, loops and connection options. Immutable; each {@code with*} returns a
 * validated copy.
 *
 * @param host         the address to listen on
 * @param port         the port, 0 for a free one
 * @param loopCount    loops the server creates when it is given none
 * @param ixConfig     their settings (CPUs, pool, ring)
 * @param group        loops to run on instead ({@link IxServerSpec#runOn}), left running at dispose; or null
 * @param cpuSteering  steer each connection to the loop of the CPU that received it
 * @param childOptions options of every accepted connection
 */
record ServerSettings(String host, int port, int loopCount, IxIoHandlerConfig ixConfig, EventLoopGroup group,
                      boolean cpuSteering, Map<ChannelOption<?>, Object> childOptions) {

    static final String DEFAULT_HOST = "0.0.0.0";

    ServerSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535, 0 for a free port)");
        }
        if (loopCount < 1) {
            throw new IllegalArgumentException("loops: " + loopCount + " (expected: >= 1)");
        }
        childOptions = Map.copyOf(childOptions);
    }

    static ServerSettings defaults() {
        return new ServerSettings(DEFAULT_HOST, 0, Runtime.getRuntime().availableProcessors(),
                IxIoHandlerConfig.defaults(), null, false, Map.of());
    }

    InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    ServerSettings withHost(String host) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host: '" + host + "' (expected: an address or a name)");
        }
        return new ServerSettings(host, port, loopCount, ixConfig, group, cpuSteering, childOptions);
    }

    ServerSettings withPort(int port) {
        return new ServerSettings(host, port, loopCount, ixConfig, group, cpuSteering, childOptions);
    }

    ServerSettings withLoops(int loopCount) {
        return new ServerSettings(host, port, loopCount, ixConfig, group, cpuSteering, childOptions);
    }

    ServerSettings withIxConfig(IxIoHandlerConfig ixConfig) {
        if (ixConfig == null) {
            throw new IllegalArgumentException("config: null (expected: e.g. IxIoHandlerConfig.defaults())");
        }
        return new ServerSettings(host, port, loopCount, ixConfig, group, cpuSteering, childOptions);
    }

    ServerSettings withGroup(EventLoopGroup group) {
        return new ServerSettings(host, port, loopCount, ixConfig, group, cpuSteering, childOptions);
    }

    ServerSettings withCpuSteering(boolean cpuSteering) {
        return new ServerSettings(host, port, loopCount, ixConfig, group, cpuSteering, childOptions);
    }

    <T> ServerSettings withChildOption(ChannelOption<T> option, T value) {
        return new ServerSettings(host, port, loopCount, ixConfig, group, cpuSteering,
                ChannelOptions.with(childOptions, option, value));
    }
}
