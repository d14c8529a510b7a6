package dev.ix.bench.load;

import dev.ix.bench.measure.ProcStat;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleConsumer;
import org.HdrHistogram.Histogram;

/**
 * The built-in load generator: keep-alive connections on Netty event loops of the chosen transport, each sending
 * requests from one pre-encoded buffer and parsing responses without allocating; HTTP/1.1 {@code GET path}, ix RPC
 * frames or memcached text-protocol GETs and SETs, as the URI's scheme says ({@link LoadProtocol}).
 *
 * <p><b>Open loop</b> ({@code rate > 0}): every connection sends {@code rate / connections} requests per second on a
 * fixed schedule, the connections' schedules phase-shifted so that the requests are spread evenly. A request that
 * cannot leave on time because its connection already has {@code pipeline} requests in flight (or is reconnecting)
 * keeps its intended send time and leaves as soon as it can; its latency is counted from the intended time, so a
 * server stall shows in full in the percentiles (no coordinated omission, as in wrk2). The time from the actual
 * send is kept too, as the service time.
 *
 * <p><b>Closed loop</b> ({@code rate == 0}): every connection keeps {@code pipeline} requests in flight and sends the
 * next when a response arrives; latency counts from the actual send. This measures maximum throughput, as wrk does.
 *
 * <p>Latencies are recorded in µs with three significant digits, per event loop without locks, and merged at the
 * end. The load runs for {@code warmup} (discarded) and then for the measured {@code duration}; then sending stops
 * and responses still in flight are awaited for up to {@code timeout}, after which they count as timeouts.
 *
 * <p>Coordinated omission is accounted for in full. (a) A request that times out counts as an error <em>and</em> its
 * latency (from its intended send time to when it was given up) goes into the histogram. (b) Open-loop requests due
 * before the window closed that never left are charged {@code window end - intended time} ({@link LoadReport#unsent()}).
 * (c) Requests due in the warm-up that could not leave before the window opens are not forgiven: they leave in the
 * window and count from their intended time, as in wrk2. (d) The send lag (actual minus intended send time) has its
 * own histogram, {@link LoadResult#sendLag()}, so a generator that falls behind its schedule shows.
 *
 * <p>Errors (all in {@link LoadResult#errors()}): connect failures after the start (retried), resets and other read
 * failures and closes with requests unanswered (the connection reconnects, as wrk's), malformed responses (the
 * connection is closed and reopened), write failures, responses later than {@code timeout} (a connection whose oldest
 * request waits longer is closed and reopened, and all its requests count), and responses that are not 2xx or 3xx
 * (RPC: error responses).
 */
public final class LoadGenerator {

    private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long CONNECT_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private LoadGenerator() {
    }

    /**
     * Runs one load and blocks until it is over (about {@code warmup + duration}, plus up to {@code timeout} for the
     * last responses, plus connection set-up and shutdown). Every connection is closed and every generator thread
     * stopped on return, also when it throws.
     *
     * @param spec     what to run
     * @param progress told the share of warm-up plus window elapsed, 0 to 1, a few times a second from the calling
     *                 thread; may be {@code null}
     * @return the result; its histogram (latency in µs) belongs to the caller
     * @throws IllegalArgumentException if the URI is not {@code http://host:port/path} or its host cannot be resolved
     * @throws IllegalStateException    if the transport cannot run here, or a connection cannot be established (the
     *                                  message names {@code host:port} and the cause)
     */
    public static LoadResult run(LoadSpec spec, DoubleConsumer progress) {
        return run(spec, List.of(), progress).result();
    }

    /**
     * As {@link #run(LoadSpec, DoubleConsumer)}, telling {@code window} when the measured window opens (the warm-up
     * over) and when it closes, from the calling thread, within a few milliseconds of each: what a caller measures
     * of the server over the window alone (its CPU, its allocations) is read there.
     */
    public static LoadResult run(LoadSpec spec, DoubleConsumer progress, Window window) {
        return run(spec, List.of(), progress, window).result();
    }

    /** Told when a run's measured window opens and closes; see {@link #run(LoadSpec, DoubleConsumer, Window)}. */
    public interface Window {
        void opened();

        void closed();

        /**
         * The run is over, its connections closed.
         *
         * @param allResponses responses of the whole run: warm-up, window and the drain after it
         */
        default void finished(long allResponses) {
        }
    }

    private static final Window NO_WINDOW = new Window() {
        @Override
        public void opened() {
        }

        @Override
        public void closed() {
        }
    };

    /**
     * As {@link #run(LoadSpec, DoubleConsumer)}, with extra request headers and the full report.
     *
     * @param headers header lines, {@code Name: value}, added to every request
     */
    static LoadReport run(LoadSpec spec, List<String> headers, DoubleConsumer progress) {
        return run(spec, headers, progress, NO_WINDOW);
    }

    private static LoadReport run(LoadSpec spec, List<String> headers, DoubleConsumer progress, Window window) {
        Target target = Target.of(spec.uri());
        InetSocketAddress address = target.resolve();
        LoopDriver driver = LoopDriver.of(spec.transport());
        RequestBlock template = spec.protocol().requests(spec.uri(), headers, spec.pipeline());
        MultiThreadIoEventLoopGroup group = null;
        try {
            group = new MultiThreadIoEventLoopGroup(spec.threads(), new DefaultThreadFactory("ix-load"),
                    driver.factory());
            return run(spec, target, address, driver, template, group, progress, window);
        } finally {
            if (group != null) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            }
            template.release();
        }
    }

    private static LoadReport run(LoadSpec spec, Target target, InetSocketAddress address, LoopDriver driver,
                                  RequestBlock template, MultiThreadIoEventLoopGroup group,
                                  DoubleConsumer progress, Window window) {
        CountDownLatch drained = new CountDownLatch(spec.threads());
        List<LoadLoop> loops = new ArrayList<>();
        for (EventExecutor executor : group) {
            EventLoop eventLoop = (EventLoop) executor;
            loops.add(new LoadLoop(eventLoop, driver, address, template, spec, drained));
        }
        connect(spec, target, loops);

        long warmup = spec.warmup().toNanos();
        long duration = spec.duration().toNanos();
        long start = System.nanoTime();
        long windowStart = start + warmup;
        long windowEnd = windowStart + duration;
        for (LoadLoop loop : loops) {
            call(loop.eventLoop, () -> {
                loop.start(start, windowStart, windowEnd);
                return null;
            });
        }

        long self = ProcessHandle.current().pid();
        Progress report = new Progress(progress, start, warmup + duration);
        report.waitUntil(windowStart);
        long cpuStart = ProcStat.cpuNanos(self);
        window.opened();
        report.waitUntil(windowEnd);
        long cpuEnd = ProcStat.cpuNanos(self);
        window.closed();
        String cpus = ProcStat.allowedCpus(self);
        report.done();
        awaitDrain(drained, windowEnd + spec.timeout().toNanos());

        List<ChannelFuture> closes = new ArrayList<>();
        for (LoadLoop loop : loops) {
            closes.addAll(call(loop.eventLoop, loop::finish));
        }
        for (ChannelFuture close : closes) {
            close.awaitUninterruptibly(1, TimeUnit.SECONDS);
        }

        // The process's CPU, not only the loops' threads': what the generator takes from the CPUs it owns.
        double cores = (cpuEnd - cpuStart) / (double) duration;
        long allResponses = 0;
        for (LoadLoop loop : loops) {
            allResponses += call(loop.eventLoop, () -> loop.stats.allResponses);
        }
        window.finished(allResponses);
        return merge(loops, "builtin/" + spec.transport().label(), duration / 1e9, cores, cpus);
    }

    private static void connect(LoadSpec spec, Target target, List<LoadLoop> loops) {
        List<ChannelFuture> connects = new ArrayList<>();
        for (int i = 0; i < spec.connections(); i++) {
            LoadLoop loop = loops.get(i % loops.size());
            Connection c = new Connection(loop, i);
            loop.add(c);
            connects.add(c.connect());
        }
        long deadline = System.nanoTime() + spec.timeout().toNanos() + CONNECT_GRACE_NANOS;
        for (ChannelFuture f : connects) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!f.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("cannot connect to " + target.authority() + ": no answer within "
                        + spec.timeout().toMillis() + " ms");
            }
            if (!f.isSuccess()) {
                Throwable cause = f.cause();
                throw new IllegalStateException("cannot connect to " + target.authority() + ": "
                        + (cause.getMessage() == null ? cause.toString() : cause.getMessage()), cause);
            }
        }
    }

    private static void awaitDrain(CountDownLatch drained, long deadline) {
        try {
            drained.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the last responses", e);
        }
    }

    private static LoadReport merge(List<LoadLoop> loops, String generator, double seconds, double cores,
                                    String cpus) {
        Histogram latency = LoopStats.newHistogram();
        Histogram service = LoopStats.newHistogram();
        Histogram sendLag = LoopStats.newHistogram();
        long unsent = 0;
        long requests = 0;
        long bytes = 0;
        long connect = 0;
        long read = 0;
        long write = 0;
        long timeout = 0;
        long status = 0;
        List<long[]> samples = new ArrayList<>();
        int sampleCount = 0;
        for (LoadLoop loop : loops) {
            LoopStats s = loop.stats;
            latency.add(s.latency);
            service.add(s.serviceTime);
            sendLag.add(s.sendLag);
            unsent += s.unsent;
            requests += s.requests;
            bytes += s.bytes;
            connect += s.connect;
            read += s.read;
            write += s.write;
            timeout += s.timeout;
            status += s.status;
            long[] perSecond = s.samples();
            samples.add(perSecond);
            sampleCount += perSecond.length;
        }
        long[] rates = new long[sampleCount];
        int at = 0;
        for (long[] perSecond : samples) {
            System.arraycopy(perSecond, 0, rates, at, perSecond.length);
            at += perSecond.length;
        }
        long errors = connect + read + write + timeout + status;
        LoadResult result = new LoadResult(generator, requests, errors, seconds, Percentiles.of(latency), latency,
                sendLag, cores, cpus);
        return new LoadReport(result, service, bytes, connect, read, write, timeout, status, unsent, rates);
    }

    /** Runs {@code task} on {@code loop} and waits for it. */
    private static <T> T call(EventLoop loop, Callable<T> task) {
        Future<T> f = loop.submit(task);
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a generator loop failed: " + e.getCause(), e.getCause());
        }
    }

    /** Waits on the calling thread, telling the caller's progress listener how far the run is. */
    private record Progress(DoubleConsumer listener, long start, long total) {

        void waitUntil(long deadline) {
            while (true) {
                long now = System.nanoTime();
                tell(now);
                if (now >= deadline) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.sleep(Math.min(deadline - now, PROGRESS_INTERVAL_NANOS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted during the load", e);
                }
            }
        }

        void done() {
            if (listener != null) {
                listener.accept(1.0);
            }
        }

        private void tell(long now) {
            if (listener != null) {
                listener.accept(total <= 0 ? 1.0 : Math.min(1.0, Math.max(0.0, (now - start) / (double) total)));
            }
        }
    }
}
