package dev.ix.reactor;

import dev.ix.transport.IxIoHandler;
import dev.ix.transport.IxIoHandlerConfig;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.FastThreadLocalThread;
import reactor.core.scheduler.NonBlocking;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for ix loops that Reactor knows must not block: each one is a {@link NonBlocking} (so Reactor's
 * {@code block()} refuses to run on it, and BlockHound's Reactor integration watches it) and a Netty
 * {@link FastThreadLocalThread} (so Netty's fast thread locals stay fast, and Netty's BlockHound integration
 * watches it too). Reactor Netty's own loops are made the same way.
 *
 * <p>Threading: the factory and the group may be used from any thread.
 */
public final class IxLoopThreads {

    private IxLoopThreads() {
    }

    /**
     * A factory of loop threads named {@code <prefix>-<n>}, {@code n} counting from 0 per factory.
     *
     * <p>An {@link IxIoHandler} renames its thread when the loop starts, to {@code <prefix>-<loop index>} when its
     * {@link IxIoHandlerConfig#withThreadNamePrefix config} carries the same prefix (else
     * {@code ix-loop-<group>-<i>}); {@link #newGroup} sets both.
     *
     * @param prefix the thread name prefix, e.g. {@code reactor-http-ix}
     * @param daemon whether the threads are daemons (a daemon loop does not keep the JVM alive)
     * @return a thread-safe factory
     */
    public static ThreadFactory factory(String prefix, boolean daemon) {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException("prefix: \"" + prefix + "\" (expected: a non-empty name)");
        }
        AtomicInteger next = new AtomicInteger();
        return task -> {
            Thread thread = new LoopThread(task, prefix + "-" + next.getAndIncrement());
            thread.setDaemon(daemon);
            return thread;
        };
    }

    /**
     * A group of {@code loops} ix loops on {@link #factory} threads, named {@code <prefix>-<i>} ({@code @cpu<n>}
     * added when pinned). The loops start with the first registration; the caller owns the group and shuts it down.
     *
     * @param loops  ix loops, at least 1
     * @param prefix the thread name prefix
     * @param daemon whether the loop threads are daemons
     * @param config the loops' settings; its thread name prefix is replaced by {@code prefix}
     * @return the group
     * @throws IllegalStateException when io_uring cannot be used here, with the reason and the fix
     */
    public static MultiThreadIoEventLoopGroup newGroup(int loops, String prefix, boolean daemon,
                                                       IxIoHandlerConfig config) {
        if (loops < 1) {
            throw new IllegalArgumentException("loops: " + loops + " (expected: >= 1)");
        }
        return new MultiThreadIoEventLoopGroup(loops, factory(prefix, daemon),
                IxIoHandler.newFactory(config.withThreadNamePrefix(prefix)));
    }

    /** A loop thread: Reactor's non-blocking marker on Netty's fast-thread-local thread. */
    static final class LoopThread extends FastThreadLocalThread implements NonBlocking {
        LoopThread(Runnable task, String name) {
            super(task, name);
        }
    }
}
