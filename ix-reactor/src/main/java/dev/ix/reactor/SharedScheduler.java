package dev.ix.reactor;

import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

import java.util.concurrent.TimeUnit;

/**
 * A scheduler handed to every caller ({@link IxSchedulers}): one caller's {@code dispose()} must not break it for
 * the others, so disposing it does nothing. Everything else is its delegate's.
 */
final class SharedScheduler implements Scheduler {
    private final Scheduler delegate;
    private final String name;

    SharedScheduler(Scheduler delegate, String name) {
        this.delegate = delegate;
        this.name = name;
    }

    @Override
    public Disposable schedule(Runnable task) {
        return delegate.schedule(task);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        return delegate.schedule(task, delay, unit);
    }

    @Override
    public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
        return delegate.schedulePeriodically(task, initialDelay, period, unit);
    }

    @Override
    public long now(TimeUnit unit) {
        return delegate.now(unit);
    }

    @Override
    public Worker createWorker() {
        return delegate.createWorker();
    }

    @Override
    public void dispose() {
        // Shared: see the class comment.
    }

    @Override
    public boolean isDisposed() {
        return false;
    }

    @Override
    public String toString() {
        return name;
    }
}
