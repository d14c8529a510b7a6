package dev.ix.reactor;

import dev.ix.transport.IxBackground;
import dev.ix.transport.IxLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * Reactor schedulers for code running on ix loops.
 *
 * <ul>
 *   <li>{@link #current()}: the loop of the calling handler, to come back to it ({@code publishOn}) after work
 *       elsewhere; signals then arrive on the connection's own thread again.</li>
 *   <li>{@link #background()}: {@link IxBackground}'s bounded pool of threads that may block, for
 *       {@code subscribeOn}; and {@link #blocking(Callable)}, which runs one blocking call there and delivers its
 *       result on the loop that subscribed: IX's elastic threads, with run to completion kept on the loop.</li>
 * </ul>
 *
 * <p>The schedulers are shared: disposing one does nothing (its workers can be disposed, which cancels their
 * tasks), and neither a loop nor the background pool is ever stopped through them. Thread-safe.
 */
public final class IxSchedulers {
    private static final Map<EventExecutor, Scheduler> LOOP_SCHEDULERS = new ConcurrentHashMap<>();

    private IxSchedulers() {
    }

    /**
     * @return the scheduler of the ix loop that calls this
     * @throws IllegalStateException when not called on an ix loop thread (e.g. from a background thread: take the
     *                               scheduler on the loop, before leaving it)
     */
    public static Scheduler current() {
        IxLoop loop = IxLoop.current().orElseThrow(() -> new IllegalStateException(
                "IxSchedulers.current() on " + Thread.currentThread().getName() + ", which is no ix loop thread; "
                        + "take the scheduler on the connection's loop (in the handler) before leaving it"));
        return of(loop.executor());
    }

    /**
     * @param loop an event loop (any Netty transport's)
     * @return a scheduler running tasks on it
     */
    public static Scheduler of(EventExecutor loop) {
        Scheduler s = LOOP_SCHEDULERS.get(loop);
        if (s != null) {
            return s;
        }
        s = LOOP_SCHEDULERS.computeIfAbsent(loop, l -> new SharedScheduler(new LoopScheduler(l), "IxSchedulers.of(" + l + ")"));
        loop.terminationFuture().addListener(f -> LOOP_SCHEDULERS.remove(loop));
        return s;
    }

    /**
     * @return a scheduler on {@link IxBackground#shared()}: for {@code subscribeOn} of blocking work. A full queue
     *         rejects the task ({@code RejectedExecutionException}, which Reactor turns into an error signal).
     *         It runs no delayed or periodic task ({@code Mono.delay} on it fails: use a loop's scheduler).
     *         Signals of work subscribed there are emitted on the background thread: come back with
     *         {@code publishOn(IxSchedulers.current())} taken on the loop, or use {@link #blocking(Callable)}.
     */
    public static Scheduler background() {
        return Holder.BACKGROUND;
    }

    /**
     * Runs {@code work} on a background thread when subscribed and emits its result on the loop that subscribed
     * (on another thread: on the background thread). A null result completes empty.
     *
     * @param work a blocking call; it must not touch a channel's pipeline
     * @param <T>  the result type; a reference-counted result belongs to the subscriber
     * @return the Mono of the result, failed with the work's exception or a {@code RejectedExecutionException} when
     *         the background queue is full; cancelling before the work started removes it from the queue
     */
    public static <T> Mono<T> blocking(Callable<T> work) {
        return Mono.create(sink -> {
            EventExecutor back = IxLoop.current().<EventExecutor>map(IxLoop::executor)
                    .orElse(ImmediateEventExecutor.INSTANCE);
            Future<T> f = IxBackground.shared().submit(back, work);
            sink.onCancel(() -> f.cancel(false));
            f.addListener(done -> {
                if (done.isSuccess()) {
                    sink.success(f.getNow());
                } else if (!done.isCancelled()) {
                    sink.error(done.cause());
                }
            });
        });
    }

    private static final class Holder {
        // Trampolining: a worker's tasks run one at a time and in order, as Reactor's Worker contract wants.
        static final Scheduler BACKGROUND = new SharedScheduler(Schedulers.fromExecutor(task -> {
            Future<?> f = IxBackground.shared().submit(ImmediateEventExecutor.INSTANCE, () -> {
                task.run();
                return null;
            });
            // IxBackground fails the future at once when its queue is full; Reactor expects the executor to throw.
            if (f.isDone() && f.cause() instanceof RejectedExecutionException rejected) {
                throw rejected;
            }
        }, true), "IxSchedulers.background()");
    }
}
