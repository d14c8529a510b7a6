/**
 * The connection-scale benchmark ({@link dev.ix.bench.scale.ConnectionScale}): the samples' echo server holding
 * 10 000 to 100 000 mostly idle connections, on ix and on Netty's epoll in the same run; measured are the server's
 * memory per connection (RSS, live heap, and the kernel's slab memory) and the latency of a few active connections
 * under a fixed open-loop rate while the idle ones are held.
 *
 * <p>The client ({@code ScaleClient}) runs in the benchmark's own JVM on Netty's epoll transport, whatever the
 * server runs on, and spreads its connections over the loopback source addresses 127.0.0.2, 127.0.0.3, … so that
 * ephemeral ports do not run out. The server is started as the harness starts its peers
 * ({@link dev.ix.bench.peer.PeerProcess}), pinned to its own CPU. {@code benchmarks/connection-scale.sh} raises
 * the open-file limit (and, as root, the kernel settings) a run needs and starts it.
 */
package dev.ix.bench.scale;
