package dev.ix.transport;

import static dev.ix.transport.IxTransportProperties.BACKGROUND_QUEUE_PROP_NAME;
import static dev.ix.transport.IxTransportProperties.BACKGROUND_THREADS_PROP_NAME;

import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.ObjectUtil;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * IX's background threads: long or blocking work leaves the connection's event loop (an elastic thread), runs on a
 * bounded pool of daemon threads named {@code ix-background-N}, and its result comes back to that same loop, where
 * the returned future notifies its listeners. The loop never waits for the work: a submission either queues at once
 * or fails at once.
 *
 * <pre>{@code
 * public void channelRead(ChannelHandlerContext ctx, Object msg) {
 *     ByteBuf request = (ByteBuf) msg;
 *     String key = request.toString(StandardCharsets.US_ASCII);   // copy what the work needs...
 *     request.release();                                          // ...and give the mbuf back now
 *     IxBackground.shared().submit(ctx.channel(), () -> blockingLookup(key))
 *             .addListener((Future<String> f) -> {                // runs on ctx.channel().eventLoop()
 *                 if (f.isSuccess()) {
 *                     ctx.writeAndFlush(ByteBufUtil.writeAscii(ctx.alloc(), f.getNow()));
 *                 } else {
 *                     ctx.fireExceptionCaught(f.cause());          // the work's exception, or a rejection
 *                 }
 *             });
 * }
 * }</pre>
 *
 * <h2>Threading</h2>
 * Any thread may call {@link #submit}; it does not wait for the work, but it is not free: it takes the queue's lock
 * for a moment, and while the pool is below its size (at first, and after an idle minute) it starts a thread.
 * Background work is meant for calls that take milliseconds, not for every request. Listeners of the returned future run on the loop given (the
 * channel's {@link Channel#eventLoop()}), whatever thread adds them. Never {@code sync()}/{@code await()} the future
 * on that loop (Netty throws {@code BlockingOperationException}): add a listener.
 *
 * <h2>Who owns a {@code ByteBuf}</h2>
 * <ul>
 *   <li><b>Captured by the work.</b> Prefer copying what the work needs (a {@code String}, a {@code byte[]}) on the
 *       loop and releasing the buffer there, as above: a received buffer is an mbuf of the loop's pool, and holding
 *       it across blocking work holds a receive slot (enough of them pause receive on the whole loop). If the work
 *       must read a buffer, the handler keeps owning it and releases it in the listener, on the loop, whatever the
 *       outcome: the listener runs after the work has finished, or instead of it when the work was rejected or
 *       cancelled and never ran. The work only reads it and never releases it.</li>
 *   <li><b>Returned by the work.</b> A reference-counted result belongs to the listener that receives it on
 *       success. When it cannot be delivered — the loop has shut down — this class releases it.</li>
 * </ul>
 *
 * <h2>Bounds and failures</h2>
 * <ul>
 *   <li><b>Full queue:</b> the future fails at once with a {@link RejectedExecutionException} naming the capacity
 *       and how to raise it; {@link #rejected()} counts it. Overload shows as fast failures the handler can answer
 *       (503, close), not as a queue that grows without limit.</li>
 *   <li><b>Cancellation:</b> {@code cancel} before the work starts removes it from the queue and it never runs.
 *       Once started the work is uncancellable ({@code cancel} returns {@code false}) and runs to its end: we never
 *       interrupt a pooled thread, because an interrupt can outlive the task it was meant for.</li>
 *   <li><b>The loop shuts down</b> before the result arrives: the future fails with an
 *       {@link IllegalStateException} (its cause is the loop's {@link RejectedExecutionException}) and a
 *       reference-counted result is released. Threads waiting on the future wake; listeners do not run, since
 *       Netty's {@code DefaultPromise} notifies only on its loop and logs "Failed to submit a listener notification
 *       task. Event loop shut down?" when it cannot.</li>
 *   <li><b>{@link #close()}:</b> later submissions fail at once; work already accepted still runs and is delivered;
 *       the threads then end. {@link #awaitTermination} waits for that.</li>
 * </ul>
 *
 * <p>A submission is one short lock on the queue (a {@link ThreadPoolExecutor} over an {@link ArrayBlockingQueue}),
 * not a lock-free path: work that is worth moving off the loop costs far more than that, and the JDK's pool gives an
 * exact bound and a race-free shutdown. Threads start as work arrives and end after {@value #KEEP_ALIVE_SECONDS} s
 * idle. They are Netty {@link FastThreadLocalThread}s, so buffers the work allocates use the allocators' thread
 * caches, which are freed when a thread ends.
 */
public final class IxBackground implements AutoCloseable {
    /** Seconds an idle background thread lives before it ends: {@value}. */
    public static final long KEEP_ALIVE_SECONDS = 60;

    private static final AtomicInteger THREAD_IDS = new AtomicInteger();
    private static volatile IxBackground shared;

    private final ThreadPoolExecutor pool;
    private final int threads;
    private final int queueCapacity;
    private final boolean isShared;
    private final LongAdder rejected = new LongAdder();
    private final String queueFullMessage;

    private IxBackground(int threads, int queueCapacity, boolean isShared) {
        this.threads = threads;
        this.queueCapacity = queueCapacity;
        this.isShared = isShared;
        // Built once: a rejection happens under overload, when the loop has the least time to spare.
        this.queueFullMessage = "background queue full: " + queueCapacity + " tasks wait for " + threads
                + " busy ix-background threads; raise the queue or the threads (-D" + BACKGROUND_QUEUE_PROP_NAME
                + "=N, -D" + BACKGROUND_THREADS_PROP_NAME + "=N for IxBackground.shared(); "
                + "IxBackground.create(threads, queueCapacity) otherwise), or shed load when this future fails";
        this.pool = new ThreadPoolExecutor(threads, threads, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity), IxBackground::newThread, this::reject);
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Creates a pool of its own, to be {@link #close() closed} by its creator.
     *
     * @param threads       background threads at most, {@code >= 1}
     * @param queueCapacity tasks queued at most while all threads are busy, {@code >= 1}; one more is rejected
     * @return a new, open pool; no thread starts before the first submission
     * @throws IllegalArgumentException when a value is out of range
     */
    public static IxBackground create(int threads, int queueCapacity) {
        return new IxBackground(checkAtLeastOne("threads", threads), checkAtLeastOne("queueCapacity", queueCapacity),
                false);
    }

    /**
     * The pool every handler can share, created on first use from
     * {@value IxTransportProperties#BACKGROUND_THREADS_PROP_NAME} and
     * {@value IxTransportProperties#BACKGROUND_QUEUE_PROP_NAME}. It lives as long as the JVM (its threads are
     * daemons) and cannot be closed. Any thread.
     *
     * @return the shared pool
     * @throws IllegalArgumentException when a property is out of range (the next call tries again)
     */
    public static IxBackground shared() {
        IxBackground s = shared;
        if (s != null) {
            return s;
        }
        synchronized (IxBackground.class) {
            if (shared == null) {
                int threads = IxTransportProperties.backgroundThreads();
                int queue = IxTransportProperties.backgroundQueue();
                if (threads < 0 || queue < 1) {
                    throw new IllegalArgumentException("-D" + BACKGROUND_THREADS_PROP_NAME + "=" + threads
                            + " (expected: 0 for 10 per CPU, or >= 1), -D" + BACKGROUND_QUEUE_PROP_NAME + "=" + queue
                            + " (expected: >= 1)");
                }
                shared = new IxBackground(threads == 0 ? 10 * Runtime.getRuntime().availableProcessors() : threads,
                        queue, true);
            }
            return shared;
        }
    }

    /**
     * Runs {@code work} on a background thread; the result comes back to the channel's event loop. Any thread; does
     * not wait for the work (see the class comment for what it costs).
     *
     * @param channel a channel registered with its event loop, whose loop notifies the future's listeners
     * @param work    the long or blocking work; it must not touch the channel's pipeline (that is the loop's)
     * @param <T>     the result type
     * @return a future completed with the work's result or exception, already failed when the queue is full or the
     *         pool closed; cancellable until the work starts
     * @throws IllegalStateException when the channel is not registered with an event loop
     */
    public <T> Future<T> submit(Channel channel, Callable<T> work) {
        return submit(ObjectUtil.checkNotNull(channel, "channel").eventLoop(), work);
    }

    /**
     * Runs {@code work} on a background thread; the result comes back to {@code loop}. Any thread; does not wait for
     * the work.
     *
     * @param loop the event executor that notifies the future's listeners, normally the connection's event loop
     * @param work the long or blocking work
     * @param <T>  the result type
     * @return a future completed with the work's result or exception, already failed when the queue is full or the
     *         pool closed; cancellable until the work starts
     */
    public <T> Future<T> submit(EventExecutor loop, Callable<T> work) {
        Task<T> task = new Task<>(ObjectUtil.checkNotNull(loop, "loop"), ObjectUtil.checkNotNull(work, "work"), pool);
        pool.execute(task); // a refusal fails the task in reject(), on this thread
        return task;
    }

    /**
     * Queue depth, for metrics. Any thread.
     *
     * @return tasks waiting for a thread now, {@code 0..}{@link #queueCapacity()}
     */
    public int queued() {
        return pool.getQueue().size();
    }

    /**
     * Refusals, for metrics. Any thread.
     *
     * @return submissions refused since creation, because the queue was full or the pool closed
     */
    public long rejected() {
        return rejected.sum();
    }

    /**
     * The queue's bound.
     *
     * @return the most tasks that wait for a thread before a submission is rejected
     */
    public int queueCapacity() {
        return queueCapacity;
    }

    /**
     * The thread bound.
     *
     * @return the most background threads that run at once
     */
    public int threads() {
        return threads;
    }

    /**
     * Stops accepting work: later submissions fail at once. Work already accepted still runs and is delivered; the
     * threads end after it. Returns at once — unlike {@code ExecutorService.close()} it does not wait, so an event
     * loop may call it; use {@link #awaitTermination} to wait. Idempotent; any thread.
     *
     * @throws UnsupportedOperationException on {@link #shared()}, which lives as long as the JVM
     */
    @Override
    public void close() {
        if (isShared) {
            throw new UnsupportedOperationException("IxBackground.shared() lives as long as the JVM and cannot be "
                    + "closed; use IxBackground.create(threads, queueCapacity) for a pool whose lifetime you control");
        }
        pool.shutdown();
    }

    /**
     * Waits until, after {@link #close()}, the accepted work has run and every thread has ended. Not on an event
     * loop: it blocks.
     *
     * @param timeout how long to wait at most
     * @param unit    the unit of {@code timeout}
     * @return {@code true} when terminated, {@code false} when the time ran out first
     * @throws InterruptedException when the calling thread is interrupted while waiting
     */
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return pool.awaitTermination(timeout, unit);
    }

    @Override
    public String toString() {
        return "IxBackground[threads=" + threads + ", queueCapacity=" + queueCapacity + ", queued=" + queued()
                + ", rejected=" + rejected() + (pool.isShutdown() ? ", closed]" : "]");
    }

    /**
     * The pool's {@code RejectedExecutionHandler}, called on the submitting thread: it fails the future instead of
     * throwing, because the JDK's default handler formats the whole pool's state under its lock for every refusal.
     */
    private void reject(Runnable task, ThreadPoolExecutor executor) {
        rejected.increment();
        ((Task<?>) task).tryFailure(new BackgroundRejectedException(executor.isShutdown()
                ? "IxBackground is closed and accepts no more work; submit to an open one (IxBackground.shared() "
                + "is never closed)"
                : queueFullMessage));
    }

    private static int checkAtLeastOne(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
        }
        return value;
    }

    private static Thread newThread(Runnable worker) {
        Thread t = new BackgroundThread(() -> {
            CpuAffinity.resetCurrentThread();
            try {
                worker.run();
            } finally {
                // The thread ends (idle, or closed): free what Netty keeps per thread, e.g. allocator caches.
                FastThreadLocal.removeAll();
            }
        }, "ix-background-" + THREAD_IDS.incrementAndGet());
        t.setDaemon(true);
        return t;
    }

    /**
     * A background thread: Netty's fast thread locals, and blocking allowed. Netty's BlockHound integration treats a
     * {@link FastThreadLocalThread} as an event loop that must not block unless it permits blocking calls; blocking
     * is what these threads are for.
     */
    private static final class BackgroundThread extends FastThreadLocalThread {
        BackgroundThread(Runnable task, String name) {
            super(task, name);
        }

        @Override
        public boolean permitBlockingCalls() {
            return true;
        }
    }

    /**
     * One submission: the future handed out, and the runnable that runs twice — the work on a background thread,
     * then the delivery on the loop — so a submission costs one object.
     */
    private static final class Task<T> extends DefaultPromise<T> implements Runnable {
        private final Callable<T> work;
        private final ThreadPoolExecutor pool;
        // Written by the background thread before it hands this task to the loop, read on the loop: the loop's
        // task queue orders the two, so plain fields suffice.
        private boolean worked;
        private T value;
        private Throwable failure;

        Task(EventExecutor loop, Callable<T> work, ThreadPoolExecutor pool) {
            super(loop);
            this.work = work;
            this.pool = pool;
        }

        @Override
        public void run() {
            if (worked) {
                deliver();
            } else {
                work();
            }
        }

        private void work() {
            if (!setUncancellable()) {
                return; // cancelled while it waited: the work must not run
            }
            try {
                value = work.call();
            } catch (Throwable t) {
                failure = t;
            }
            worked = true;
            try {
                executor().execute(this);
            } catch (RejectedExecutionException loopGone) {
                ReferenceCountUtil.safeRelease(value);
                IllegalStateException undelivered = new IllegalStateException("event loop " + executor() + " shut "
                        + "down before the result of background work could be delivered; a reference-counted result "
                        + "was released. Keep the loop running until its background work is done", loopGone);
                if (failure != null) {
                    undelivered.addSuppressed(failure); // the work's own outcome, kept for whoever waits
                }
                tryFailure(undelivered);
            }
        }

        private void deliver() {
            // On the loop, so listeners run now. Only we complete this future once the work started; should a
            // caller have completed it anyway (it is a Promise), the result has no owner but us.
            boolean delivered = failure == null ? trySuccess(value) : tryFailure(failure);
            if (!delivered && failure == null) {
                ReferenceCountUtil.safeRelease(value);
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (!super.cancel(mayInterruptIfRunning)) {
                return false;
            }
            pool.remove(this); // frees its queue slot now rather than when a thread reaches it
            return true;
        }
    }

    /**
     * A refusal. Without a stack trace: it is made under overload, and its message says all there is to say.
     */
    private static final class BackgroundRejectedException extends RejectedExecutionException {
        private static final long serialVersionUID = 1L;

        BackgroundRejectedException(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
