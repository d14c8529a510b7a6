package dev.ix.transport.integrity;

import dev.ix.transport.IxIoHandler;
import dev.ix.transport.IxIoHandlerConfig;
import dev.ix.transport.IxServerSocketChannel;
import dev.ix.transport.IxSocketChannel;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.List;

/**
 * Which transport serves and which connects: ix against itself, and against Netty epoll — the transport ix must
 * match — in both roles. epoll↔epoll tests Netty, not ix: it runs only with {@value #BASELINE_PROP_NAME}{@code =true},
 * to check that the suite asks of ix no more than epoll does.
 */
enum Permutation {
    IX_IX(Transport.IX, Transport.IX),
    IX_SERVER_EPOLL_CLIENT(Transport.IX, Transport.EPOLL),
    EPOLL_SERVER_IX_CLIENT(Transport.EPOLL, Transport.IX),
    EPOLL_EPOLL(Transport.EPOLL, Transport.EPOLL);

    /** System property: {@code true} adds the epoll↔epoll baseline. */
    static final String BASELINE_PROP_NAME = "dev.ix.test.integrity.baseline";

    private final Transport server;
    private final Transport client;

    Permutation(Transport server, Transport client) {
        this.server = server;
        this.client = client;
    }

    /** @return the permutations to run: those with ix, and the baseline when asked for */
    static List<Permutation> current() {
        return Boolean.getBoolean(BASELINE_PROP_NAME) ? List.of(values()) : List.of(IX_IX, IX_SERVER_EPOLL_CLIENT,
                EPOLL_SERVER_IX_CLIENT);
    }

    Transport server() {
        return server;
    }

    Transport client() {
        return client;
    }

    @Override
    public String toString() {
        return server.label + " server, " + client.label + " client";
    }

    /** One side's transport: its event loop group and channel classes. */
    enum Transport {
        IX("ix", IxServerSocketChannel.class, IxSocketChannel.class),
        EPOLL("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class);

        /** Loops per group: two, so streams are spread and cross-loop paths (foreign releases) are taken. */
        static final int LOOPS = 2;

        private final String label;
        private final Class<? extends ServerChannel> serverChannel;
        private final Class<? extends Channel> channel;

        Transport(String label, Class<? extends ServerChannel> serverChannel, Class<? extends Channel> channel) {
            this.label = label;
            this.serverChannel = serverChannel;
            this.channel = channel;
        }

        /** @param config the ix loops' settings (ignored by epoll) */
        EventLoopGroup newGroup(String role, IxIoHandlerConfig config) {
            DefaultThreadFactory threads = new DefaultThreadFactory("integrity-" + role + "-" + label, true);
            return this == IX
                    ? new MultiThreadIoEventLoopGroup(LOOPS, threads, IxIoHandler.newFactory(config))
                    : new MultiThreadIoEventLoopGroup(LOOPS, threads, EpollIoHandler.newFactory());
        }

        Class<? extends ServerChannel> serverChannel() {
            return serverChannel;
        }

        Class<? extends Channel> channel() {
            return channel;
        }

        boolean isIx() {
            return this == IX;
        }
    }
}
