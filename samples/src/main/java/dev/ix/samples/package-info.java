/**
 * Runnable programs on the ix transport, each also runnable on Netty's epoll, io_uring and NIO transports
 * ({@code --transport}) for side-by-side comparison.
 *
 * <ul>
 *   <li>{@link dev.ix.samples.HelloServer}: HTTP/1.1 {@code GET /plaintext} and {@code GET /json};
 *       {@code ./ix demo} starts it.</li>
 *   <li>{@link dev.ix.samples.EchoServer}: raw TCP echo.</li>
 *   <li>{@link dev.ix.samples.ReactorNettyHello}: Reactor Netty's {@code HttpServer} on ix loops, by one line
 *       ({@code runOn(IxLoopResources.create(), true)}).</li>
 *   <li>{@link dev.ix.samples.RpcEchoServer} and {@link dev.ix.samples.RpcEchoClient}: RPC echo on
 *       {@code dev.ix.reactor.IxRpcServer} / {@code IxRpcClient}, many calls in flight per connection (ix only).</li>
 *   <li>{@link dev.ix.samples.kv.KvServer}: kv, a memcached-compatible server ({@code ./ix kv}).</li>
 * </ul>
 *
 * <p>{@link dev.ix.reactor.IxTransports} picks the transport; {@link dev.ix.samples.SampleServer} parses the
 * common options, binds and runs until the JVM is stopped.
 */
package dev.ix.samples;
