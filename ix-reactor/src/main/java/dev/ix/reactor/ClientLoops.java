package dev.ix.reactor;

import dev.ix.transport.IxIoHandlerConfig;
import io.netty.channel.EventLoopGroup;

/**
 * The ix loops clients run on when they are given none and are not started from a loop: one per available
 * processor, daemon threads named {@code ix-tcp-client-N}, created on first use and kept for the JVM's life.
 */
final class ClientLoops {
    static final String THREAD_NAME_PREFIX = "ix-tcp-client";

    private ClientLoops() {
    }

    private static final class Holder {
        static final EventLoopGroup GROUP = IxLoopThreads.newGroup(Runtime.getRuntime().availableProcessors(),
                THREAD_NAME_PREFIX, true, IxIoHandlerConfig.defaults());
    }

    static EventLoopGroup shared() {
        return Holder.GROUP;
    }
}
