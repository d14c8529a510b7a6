/**
 * JMH micro-benchmarks of the transport's hot paths: receive buffers ({@link dev.ix.bench.jmh.MbufPoolBenchmark}),
 * the io_uring submission and completion rings ({@link dev.ix.bench.jmh.RingBenchmark}) and Netty's HTTP/1.1
 * request decoder, the baseline of the HTTP layer ({@link dev.ix.bench.jmh.HttpDecodeBenchmark}).
 *
 * <p>Run them with {@link dev.ix.bench.jmh.JmhMain}, which takes JMH's usual options, e.g.
 * {@code ./ix jmh -prof gc 'dev.ix.bench.jmh.*'}; {@code -prof gc} adds {@code gc.alloc.rate.norm}, the bytes
 * allocated per operation.
 */
package dev.ix.bench.jmh;
