package dev.ix.transport;

import io.netty.channel.ChannelOption;

/**
 * Channel options that only the ix transport has. Use them like Netty's own:
 * {@code serverBootstrap.option(IxChannelOption.SO_REUSEPORT, true)}.
 */
public final class IxChannelOption<T> extends ChannelOption<T> {
    /** {@code SO_REUSEPORT} on a listener: several sockets (one per loop) may bind the same address and port. */
    public static final ChannelOption<Boolean> SO_REUSEPORT = valueOf(IxChannelOption.class, "SO_REUSEPORT");

    @SuppressWarnings({"unused", "deprecation"})
    private IxChannelOption() {
        super(null);
    }
}
