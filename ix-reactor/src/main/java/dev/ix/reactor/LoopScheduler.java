package dev.ix.reactor;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.scheduler.Scheduler;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A Reactor {@link Scheduler} that runs tasks on one event loop; a task is cancelled by disposing what
 * {@code schedule} returned, a worker's tasks by disposing the worker. The loop belongs to its group and is never
 * stopped from here.
 */
final class LoopScheduler implements Scheduler {
    private final EventExecutor loop;
    /** Tasks scheduled on the scheduler itself (not a worker); disposing it cancels them. */
    private final Disposable.Composite tasks = Disposables.composite();

    LoopScheduler(EventExecutor loop) {
        this.loop = loop;
    }

    @Override
    public Disposable schedule(Runnable task) {
        return schedule(task, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        return run(tasks, task, delay, unit);
    }

    @Override
    public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
        checkRunning();
        ScheduledFuture<?> f = loop.scheduleAtFixedRate(task, initialDelay, period, unit);
        return () -> f.cancel(false);
    }

    private Disposable run(Disposable.Composite owner, Runnable task, long delay, TimeUnit unit) {
        if (owner.isDisposed()) {
            throw new RejectedExecutionException(this + " is disposed");
        }
        checkRunning();
        Task t = new Task(owner, task);
        owner.add(t);
        if (delay <= 0) {
            loop.execute(t);
        } else {
            t.future = loop.schedule(t, delay, unit);
        }
        return t;
    }

    /** Reactor expects a rejection to be thrown at once, not a task that silently never runs. */
    private void checkRunning() {
        if (loop.isShuttingDown()) {
            throw new RejectedExecutionException(loop + " is shutting down");
        }
    }

    @Override
    public long now(TimeUnit unit) {
        return unit.convert(System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public Worker createWorker() {
        Disposable.Composite workerTasks = Disposables.composite();
        return new Worker() {
            @Override
            public Disposable schedule(Runnable task) {
                return run(workerTasks, task, 0, TimeUnit.NANOSECONDS);
            }

            @Override
            public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
                return run(workerTasks, task, delay, unit);
            }

            @Override
            public void dispose() {
                workerTasks.dispose();
            }

            @Override
            public boolean isDisposed() {
                return workerTasks.isDisposed();
            }
        };
    }

    @Override
    public void dispose() {
        tasks.dispose();
    }

    @Override
    public boolean isDisposed() {
        return tasks.isDisposed();
    }

    @Override
    public String toString() {
        return "IxSchedulers.of(" + loop + ")";
    }

    /** One scheduled task: removed from its owner when it ran, cancelled when disposed. */
    private static final class Task implements Runnable, Disposable {
        private final Disposable.Composite owner;
        private final Runnable task;
        volatile ScheduledFuture<?> future;
        private volatile boolean disposed;

        Task(Disposable.Composite owner, Runnable task) {
            this.owner = owner;
            this.task = task;
        }

        @Override
        public void run() {
            if (disposed) {
                return;
            }
            try {
                task.run();
            } finally {
                owner.remove(this);
            }
        }

        @Override
        public void dispose() {
            disposed = true;
            owner.remove(this);
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }

        @Override
        public boolean isDisposed() {
            return disposed;
        }
    }
}
