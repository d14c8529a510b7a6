package dev.ix.bench.load;

/** The Netty transport the built-in load generator runs on. */
public enum LoadTransport {
    /** ix: io_uring through FFM, one submission per loop turn for all connections' sends */
    IX,
    /** Netty's epoll transport */
    EPOLL,
    /** Netty's NIO transport, available everywhere */
    NIO
}
